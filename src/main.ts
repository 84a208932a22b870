import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n } from './i18n'
import { applyTheme, mirroredTheme } from './browser/theme'
import './styles.css'
import './markdown.css'

// Before anything renders: the stored settings arrive later, the colours must not flash meanwhile.
applyTheme(mirroredTheme())
createApp(App).use(createPinia()).use(i18n).mount('#app')
