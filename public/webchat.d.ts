// Type declarations for `window.botpressWebChat` (Botpress v12 compatible API of the Rust webchat).

export type ViewMode = 'Embedded' | 'Fullscreen';

/** Options of `init` (Botpress v12 `Config`); every field is optional except `botId`. */
export interface WebchatConfig {
  host?: string;
  botId: string;
  /** JWT sent as `X-BP-ExternalAuth: Bearer <jwt>`; kept in memory only. */
  externalAuthToken?: string;
  /** ≥ 24 chars: used as the visitor id; shorter: stored as a custom id attribute. */
  userId?: string;
  userIdScope?: string;
  conversationId?: string;
  chatId?: string;
  viewMode?: ViewMode;
  ref?: string;
  reference?: string;
  hideWidget?: boolean;
  showConversationsButton?: boolean;
  enableReset?: boolean;
  enableTranscriptDownload?: boolean;
  enableConversationDeletion?: boolean;
  showUserName?: boolean;
  showUserAvatar?: boolean;
  showTimestamp?: boolean;
  botName?: string;
  botConvoDescription?: string;
  avatarUrl?: string;
  composerPlaceholder?: string;
  stylesheet?: string;
  extraStylesheet?: string;
  className?: string;
  containerWidth?: number | string;
  layoutWidth?: number | string;
  locale?: string;
  lazySocket?: boolean;
  disableNotificationSound?: boolean;
  disableAnimations?: boolean;
  closeOnEscape?: boolean;
  enableArrowNavigation?: boolean;
  useSessionStorage?: boolean;
  enablePersistHistory?: boolean;
  enableResetSessionShortcut?: boolean;
  enableVoiceComposer?: boolean;
  showPoweredBy?: boolean;
  exposeStore?: boolean;
  overrides?: Record<string, Array<{ module: string; component: string }>>;
  isEmulator?: boolean;
  frontendVersion?: string;
}

export type WebchatEventType =
  | 'LIFECYCLE.LOADED'
  | 'LIFECYCLE.READY'
  | 'UI.OPENED'
  | 'UI.CLOSED'
  | 'CONFIG.SET'
  | 'MESSAGE.SENT'
  | 'MESSAGE.RECEIVED'
  | 'USER.CONNECTED'
  /** `guest.webchat.data` from the bot; `value` is its payload (a `language` switches the UI language). */
  | 'DATA.RECEIVED'
  | 'ERROR';

/** What `onEvent` handlers receive. */
export interface WebchatEvent {
  type: WebchatEventType;
  value: unknown;
  chatId: string;
}

/** Lifecycle message posted with `window.postMessage` to the page's own origin. */
export interface WebchatLifecycleMessage {
  name: 'webchatLoaded' | 'webchatReady' | 'webchatOpened' | 'webchatClosed' | 'configChanged';
  chatId: string;
  payload?: string;
}

export interface Payload {
  type: string;
  [key: string]: unknown;
}

export type WebchatSendEvent =
  | { type: 'show' | 'hide' | 'toggle' | 'toggleBotInfo' }
  | { type: 'message'; text: string }
  | { type: 'loadConversation'; conversationId: string }
  | Payload;

/** What a custom view's `render(container, props)` receives. */
export interface CustomViewProps {
  messageId: string;
  sentOn: string;
  isBotMessage: boolean;
  isLastGroup: boolean;
  isLastOfGroup: boolean;
  sendPayload(payload: Payload): void;
  onSendData(payload: Payload): void;
  sendEvent(event: Payload): void;
  [field: string]: unknown;
}

export interface BotpressWebChat {
  /** Mount a widget (into `targetSelector`, default `body`). Throws an Error naming a bad key. */
  init(config: WebchatConfig, targetSelector?: string): void;
  /** Replace the config (defaults + `config`). Throws if called before `init`. */
  configure(config: Partial<WebchatConfig>, chatId?: string): void;
  /** Deep-merge into the config. */
  mergeConfig(config: Partial<WebchatConfig>, chatId?: string): void;
  sendEvent(event: WebchatSendEvent, chatId?: string): void;
  /** `text|quick_reply|form|login_prompt|postback` go to /messages, other types to /events. */
  sendPayload(payload: Payload, chatId?: string): void;
  /** Subscribe (topics empty or `['*']` = all); returns an unsubscribe function. Usable before load. */
  onEvent(handler: (event: WebchatEvent) => void, topics?: WebchatEventType[] | ['*'], chatId?: string): () => void;
  /**
   * Render `{type:'custom', module, component}` messages with `render(container, props)`; it may return a
   * cleanup function. `props` has every payload field plus `messageId`, `sentOn`, `isBotMessage`,
   * `isLastGroup`, `isLastOfGroup`, `sendPayload(payload)` (alias `onSendData`) and `sendEvent(event)`.
   * Throws an Error naming `module/view` for an invalid or built-in name. Without a registration, a
   * function `window.botpress[module][component]` declared as `(container, props)` is used (v12 lookup);
   * nothing is ever loaded from a message.
   */
  registerView(
    module: string,
    view: string,
    render: (container: HTMLElement, props: CustomViewProps) => void | (() => void),
  ): void;
  /** Unmount and release every socket, listener and timer (`'*'` = every widget). */
  destroy(chatId?: string): void;
  /** True once the wasm has installed the real methods. */
  readonly ready?: boolean;
}

declare global {
  interface Window {
    botpressWebChat: BotpressWebChat;
  }
}
