import { describe, expect, it } from 'vitest';
import { FACEKIT_ERROR_CODES } from '@facekit/core';
import { de } from './locales/de.js';
import { DEFAULT_VERIFY_MESSAGES, formatMessage } from './verify-messages.js';

const fields = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('verify messages', () => {
  it('has one sentence for every error code', () => {
    for (const code of FACEKIT_ERROR_CODES) expect(DEFAULT_VERIFY_MESSAGES[`error.${code}`], code).toMatch(/\S/);
  });

  it('fills fields and leaves out the ones not given', () => {
    expect(formatMessage(DEFAULT_VERIFY_MESSAGES, 'enrolled', { id: 'ana' })).toBe('Enrolled as ana.');
    expect(formatMessage(DEFAULT_VERIFY_MESSAGES, 'loading')).toBe('Loading face models…');
    expect(formatMessage(DEFAULT_VERIFY_MESSAGES, 'error', { message: 'No camera was found. Connect one and try again.', code: 'NO_CAMERA' }))
      .toBe('No camera was found. Connect one and try again. (NO_CAMERA)');
    expect(formatMessage(DEFAULT_VERIFY_MESSAGES, 'error.TIMEOUT', { hint: 'Move closer.' })).toBe('No decision in time. Move closer.');
  });

  it('the German locale has every key, each translated, with the same fields', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(DEFAULT_VERIFY_MESSAGES).sort());
    for (const [key, english] of Object.entries(DEFAULT_VERIFY_MESSAGES)) {
      const german = de[key as keyof typeof de];
      expect(fields(german), key).toEqual(fields(english));
      // Only the words that are the same in both languages may stay.
      if (!['start', 'error'].includes(key)) expect(german, key).not.toBe(english);
    }
  });
});
