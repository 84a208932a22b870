/**
 * English UI text. The shape of this object is the list of keys: zh-CN.ts must have the same keys
 * (the compiler and tests/unit/locales.test.ts both check). `{name}` is a parameter; the
 * characters { } @ $ | are vue-i18n syntax and must not appear literally.
 */
export const en = {
  language: {
    label: 'Language',
    'zh-CN': '中文（简体）',
    en: 'English',
  },
  common: {
    cancel: 'Cancel',
    delete: 'Delete',
    settings: '⚙ Settings',
    openSettings: 'Open Settings',
  },
  sidebar: {
    newChat: '+ New chat',
    empty: 'No conversations yet.',
    list: 'Conversations',
  },
  conversation: {
    titleInput: 'Conversation title',
    answering: 'Answering…',
    rename: 'Rename',
    renameLabel: 'Rename conversation',
    delete: 'Delete',
    deleteLabel: 'Delete conversation',
  },
  composer: {
    label: 'Message',
    placeholder: 'Ask anything. Enter sends, Shift+Enter adds a line.',
    placeholderStreaming: 'Answering… (Esc stops)',
    send: 'Send',
    stop: '■ Stop',
  },
  message: {
    you: 'You',
    assistant: 'Assistant',
    thinking: 'Thinking…',
    reasoning: 'Reasoning',
    waiting: 'Waiting for the answer',
    stopped: 'Stopped. The text above is what arrived before you stopped it.',
    cutOff: 'Cut off: the answer reached the max tokens limit (Settings).',
    filtered: 'The provider filtered this answer.',
    retry: '↻ Retry',
    retryTitle: 'Ask this question again; the text above is kept as an earlier attempt',
    attempts: 'Earlier attempts ({count})',
    attempt: 'Attempt {n} · {status}',
    status: {
      streaming: 'streaming',
      done: 'done',
      stopped: 'stopped',
      interrupted: 'interrupted',
      error: 'error',
    },
  },
  number: {
    required: 'Enter a number.',
    whole: 'Enter a whole number.',
    range: 'Between {min} and {max}.',
  },
  settings: {
    title: 'Settings',
    close: 'Close settings',
    provider: 'Provider',
    custom: 'Custom',
    apiKey: 'API key',
    keyOptional: 'Optional for this provider',
    show: 'Show',
    hide: 'Hide',
    keyNote: 'Kept only in this browser and sent only to {target}.',
    keyTargetFallback: 'the base URL below',
    baseUrl: 'Base URL',
    baseUrlNote: 'Requests go to',
    baseUrlPattern: '(base URL)/chat/completions',
    model: 'Model',
    systemPrompt: 'System prompt',
    systemPromptNote: 'Optional. Sent first in every request.',
    generation: 'Generation and connection',
    maxTokens: 'Max tokens',
    temperature: 'Temperature',
    topP: 'Top P',
    topK: 'Top K',
    frequencyPenalty: 'Frequency penalty',
    idleTimeout: 'Give up after silence (s)',
    paramsNote: 'Parameters {provider} does not accept are left out of requests.',
    reset: 'Reset to defaults',
    exportReasoning: 'Include reasoning in conversation.txt',
  },
  provider: {
    note: {
      deepseek: 'deepseek-reasoner ignores temperature, top_p and frequency_penalty.',
      openai: 'Reasoning models (o-series, gpt-5) reject max_tokens and temperature; use the listed chat models.',
      ollama: 'Ollama only answers browser pages from localhost unless you start it with OLLAMA_ORIGINS set to this page’s origin.',
    },
  },
  notices: {
    offline: 'You are offline. All your conversations are here to read; sending a question needs a connection.',
    update: 'A new version of Inkstream is ready.',
    reload: 'Reload to update',
  },
  data: {
    title: 'Your data',
    storage: 'Storage',
    space: 'Space',
    lastBackup: 'Last backup',
    never: 'never',
    checking: 'checking…',
    persistUnsupported: 'this browser does not say whether it keeps this site’s data. Download backups regularly.',
    persisted: 'persistent — the browser will not clear it to free space.',
    notPersisted:
      'not persistent — the browser may clear it when the disk runs low (Safari also after 7 days without a visit). Download backups regularly.',
    persistUnknown: 'unknown — this browser does not say. Download backups regularly.',
    spaceUnknown: 'unknown (this browser gives no estimate)',
    spaceUsed: '{used} used',
    spaceUsedOf: '{used} used of {quota} available',
    askPersist: 'Ask the browser to keep my data',
    backup: 'Download backup (JSON)',
    allText: 'Download all as conversation.txt',
    backupNote: 'The backup holds every conversation with all its details, and your settings except the API key.',
    restore: 'Restore a backup',
    restoreNote: 'Conversations already here are kept; restoring the same backup twice changes nothing.',
    import: 'Import a file',
    importNote: 'A conversation.txt, an Inkstream backup, a BetterChatGPT export or a NextChat backup.',
    busy: {
      backup: 'Preparing the backup…',
      text: 'Preparing conversation.txt…',
      import: 'Checking and importing the file…',
      persist: 'Asking the browser…',
    },
  },
} as const

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

/** The shape every locale file has: en.ts's keys, with any text. */
export type Messages = Widen<typeof en>
