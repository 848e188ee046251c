// `<facekit-verify>` in Vue templates (vue-tsc / Volar), types only: `import type {} from
// 'facekit/vue'` once in the app (or "types": ["facekit/vue"]). At runtime tell Vue's compiler it
// is a custom element: `vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('facekit-') } } })`.
// Vue then sets `config`/`messages`/`kit` as properties (`:config="…"`), the rest as attributes,
// and `@facekit-verified="(e) => e.detail.verified"` listens for the 'facekit-verified' event.
import type { AllowedComponentProps, DefineComponent, HTMLAttributes } from 'vue';
import type { FaceKitVerifyAttributes, FaceKitVerifyEventMap, FaceKitVerifyProperties } from './element-props.js';

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
/** `@facekit-verified` is the prop `onFacekitVerified` to Vue's type checker. */
type VueOnEvents = { [K in keyof FaceKitVerifyEventMap as `on${Capitalize<Camel<K>>}`]?: (event: FaceKitVerifyEventMap[K]) => void };
/** Vue's checker camelizes a component's props (`subject-id` is `subjectId`); the template keeps writing `subject-id`. */
type VueAttributes = { [K in keyof FaceKitVerifyAttributes as Camel<K>]: FaceKitVerifyAttributes[K] };

export type FaceKitVerifyVueProps = VueAttributes & FaceKitVerifyProperties & VueOnEvents & HTMLAttributes & AllowedComponentProps;

declare module 'vue' {
  interface GlobalComponents {
    'facekit-verify': DefineComponent<FaceKitVerifyVueProps>;
  }
}
