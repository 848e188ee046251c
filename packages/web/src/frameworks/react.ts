// `<facekit-verify>` in React's JSX, types only: `import type {} from 'facekit/react'` once in the
// app (or "types": ["facekit/react"]). React 19 passes custom-element props through: `mode` and
// `subject-id` as attributes, `config`/`messages`/`kit` as properties, and
// `onfacekit-verified={(e) => e.detail.verified}` as a listener for the 'facekit-verified' event.
// (React 18 and older set every prop as an attribute and ignore the on… props: use a ref.)
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { FaceKitVerifyAttributes, FaceKitVerifyElement, FaceKitVerifyOnEvents, FaceKitVerifyProperties } from './element-props.js';

export type FaceKitVerifyJSXProps = DetailedHTMLProps<HTMLAttributes<FaceKitVerifyElement>, FaceKitVerifyElement>
  & FaceKitVerifyAttributes & FaceKitVerifyProperties & FaceKitVerifyOnEvents;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'facekit-verify': FaceKitVerifyJSXProps;
    }
  }
}
