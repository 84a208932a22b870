// Every test may render Chinese text through core's `render` (the app fetches that chunk on
// demand): load it once before any test runs.
import { loadMessages } from '../src/locales'

await loadMessages('zh-CN')
