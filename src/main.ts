import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { applyLocale, i18n } from './i18n'
import { detectLocale } from './locales'
import { applyTheme, mirroredTheme } from './browser/theme'
import './styles.css'
import './markdown.css'

// Before anything renders: the stored settings arrive later, the colours must not flash meanwhile.
applyTheme(mirroredTheme())
// The browser's language is known now; its text (a small chunk unless English) is fetched before
// the first paint so the page never flashes in the other language. A stored choice follows on load.
void applyLocale(detectLocale(navigator.languages)).finally(() => {
  createApp(App).use(createPinia()).use(i18n).mount('#app')
})
