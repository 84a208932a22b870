/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

/** False in the single-file build (scripts/singleFile.ts), which has no service worker. */
declare const __INKSTREAM_SERVICE_WORKER__: boolean
