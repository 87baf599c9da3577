//! UI strings in English, French, Spanish, German, Portuguese and Arabic.
//!
//! Pure data and lookups (no browser types): [`Lang::resolve`] picks the language from the config `locale`
//! (`"browser"` means `navigator.language`, else a code such as `fr` or `pt-BR`), falling back to
//! English; [`t`] returns a string, [`tf`] fills `{name}`-style placeholders. Every language has a table
//! with every [`Key`] (a native test checks it), so a lookup never shows a key name.

/// A supported UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// English (the fallback).
    #[default]
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// German.
    De,
    /// Portuguese.
    Pt,
    /// Arabic (right to left).
    Ar,
}

/// Every supported language.
pub const LANGS: &[Lang] = &[Lang::En, Lang::Fr, Lang::Es, Lang::De, Lang::Pt, Lang::Ar];

impl Lang {
    /// The language of a BCP 47 code (`fr`, `fr-CA`, `pt_BR`, `AR`); `None` when unsupported.
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim();
        // the primary subtag: up to the first `-` or `_` (a byte search: a `split` costs a searcher)
        let end = code
            .bytes()
            .position(|b| b == b'-' || b == b'_')
            .unwrap_or(code.len());
        let primary = &code[..end];
        // a plain loop: `iter().find()` compiles 18 B (gzip) larger here
        #[allow(clippy::manual_find)]
        for &lang in LANGS {
            if lang.code().eq_ignore_ascii_case(primary) {
                return Some(lang);
            }
        }
        None
    }

    /// The language for a config `locale`: `"browser"` (or empty) uses `browser` (`navigator.language`);
    /// anything unsupported falls back to English.
    pub fn resolve(locale: &str, browser: &str) -> Lang {
        let code = if locale.trim().is_empty() || locale.eq_ignore_ascii_case("browser") {
            browser
        } else {
            locale
        };
        Lang::from_code(code).unwrap_or_default()
    }

    /// The two-letter code, for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::De => "de",
            Lang::Pt => "pt",
            Lang::Ar => "ar",
        }
    }

    /// Written right to left.
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    /// `"rtl"` or `"ltr"`, for the widget root's `dir`.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() {
            "rtl"
        } else {
            "ltr"
        }
    }
}

/// A UI string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// Launcher label when closed.
    OpenChat,
    /// Launcher and close button label when open.
    CloseChat,
    /// The header button that shows the bot-information page.
    BotInformation,
    /// Label of the language picker on the bot-information page.
    Language,
    /// Badge label; `{n}`.
    UnreadMessages,
    /// Title when the bot has no name.
    DefaultTitle,
    /// Conversation list button and landmark.
    Conversations,
    /// Header reset button.
    Reset,
    /// Header transcript download button.
    Download,
    /// Header delete-history button.
    Delete,
    /// Conversation list: new conversation.
    NewConversation,
    /// Conversation list: a conversation without messages.
    NoMessages,
    /// Banner: offline.
    Offline,
    /// Banner: reconnecting.
    Reconnecting,
    /// Banner: failed.
    Unavailable,
    /// Banner: recovered.
    BackOnline,
    /// Transcript label.
    Transcript,
    /// Typing indicator label.
    BotTyping,
    /// Delivery: failed.
    NotSent,
    /// Delivery: accepted.
    Sent,
    /// Delivery: in flight.
    Sending,
    /// Retry button.
    Retry,
    /// Composer placeholder without a bot name.
    TypeMessage,
    /// Composer placeholder; `{name}`.
    ReplyTo,
    /// Composer placeholder while the bot asks to pick an answer (`disableFreeText`).
    ChooseAnswer,
    /// Composer label.
    MessageLabel,
    /// Send button.
    Send,
    /// "Powered by" line.
    PoweredBy,
    /// The visitor's name in grouped messages.
    You,
    /// Quick replies group label.
    QuickReplies,
    /// Live-region announcement of a bot message; `{name}`, `{text}`.
    Said,
    /// Summary of an image message.
    Image,
    /// Summary of an audio message.
    Audio,
    /// Summary of a video message.
    Video,
    /// Summary of a file message.
    File,
    /// Summary of a carousel.
    Cards,
    /// Summary of a location.
    Location,
    /// Summary of a login form.
    LoginForm,
    /// Summary of a message that cannot be shown.
    Unsupported,
    /// Summary of a custom component without text.
    Interactive,
    /// The conversation was reset.
    SessionReset,
    /// Feedback group label.
    RateAnswer,
    /// Thumbs up.
    GoodAnswer,
    /// Thumbs down.
    BadAnswer,
    /// Login form field.
    Username,
    /// Login form field.
    Password,
    /// Login form button.
    LogIn,
    /// Login form button once sent.
    LoginSent,
    /// An old login form.
    LoginRequested,
    /// Dropdown button.
    Select,
    /// Dropdown placeholder.
    ChooseOption,
    /// Image link label; `{title}` may be empty.
    OpenImage,
    /// File link label; `{name}`.
    DownloadFile,
    /// Location link label; `{name}`.
    OpenMap,
}

/// Every key, for the completeness test.
pub const KEYS: &[Key] = &[
    Key::OpenChat,
    Key::CloseChat,
    Key::BotInformation,
    Key::Language,
    Key::UnreadMessages,
    Key::DefaultTitle,
    Key::Conversations,
    Key::Reset,
    Key::Download,
    Key::Delete,
    Key::NewConversation,
    Key::NoMessages,
    Key::Offline,
    Key::Reconnecting,
    Key::Unavailable,
    Key::BackOnline,
    Key::Transcript,
    Key::BotTyping,
    Key::NotSent,
    Key::Sent,
    Key::Sending,
    Key::Retry,
    Key::TypeMessage,
    Key::ReplyTo,
    Key::ChooseAnswer,
    Key::MessageLabel,
    Key::Send,
    Key::PoweredBy,
    Key::You,
    Key::QuickReplies,
    Key::Said,
    Key::Image,
    Key::Audio,
    Key::Video,
    Key::File,
    Key::Cards,
    Key::Location,
    Key::LoginForm,
    Key::Unsupported,
    Key::Interactive,
    Key::SessionReset,
    Key::RateAnswer,
    Key::GoodAnswer,
    Key::BadAnswer,
    Key::Username,
    Key::Password,
    Key::LogIn,
    Key::LoginSent,
    Key::LoginRequested,
    Key::Select,
    Key::ChooseOption,
    Key::OpenImage,
    Key::DownloadFile,
    Key::OpenMap,
];

/// A language's strings in [`Key`] order, each followed by `\n`. One string per language instead
/// of a `(Key, &str)` array: the array's pointers and lengths were 4 KB of the wasm's data that
/// gzip cannot squeeze.
type Table = &'static str;

/// `table! { NAME, KEYS_NAME = [(Key::A, "a"), ...] }` defines `NAME` as the strings joined, and for
/// the tests `KEYS_NAME`, the keys in the order written, which must be [`KEYS`]' order.
macro_rules! table {
    ($name:ident, $keys:ident = [$((Key::$key:ident, $text:literal $(,)?)),* $(,)?]) => {
        const $name: Table = concat!($($text, "\n"),*);
        #[cfg(test)]
        const $keys: &[Key] = &[$(Key::$key),*];
    };
}

table! { EN, EN_KEYS = [
    (Key::OpenChat, "Open chat"),
    (Key::CloseChat, "Close chat"),
    (Key::BotInformation, "Bot information"),
    (Key::Language, "Language"),
    (Key::UnreadMessages, "{n} unread"),
    (Key::DefaultTitle, "Chatbot"),
    (Key::Conversations, "Conversations"),
    (Key::Reset, "Reset"),
    (Key::Download, "Download"),
    (Key::Delete, "Delete"),
    (Key::NewConversation, "Start a new conversation"),
    (Key::NoMessages, "(no messages)"),
    (
        Key::Offline,
        "You are offline. Messages will be sent when you are back.",
    ),
    (Key::Reconnecting, "Connection lost. Reconnecting…"),
    (Key::Unavailable, "The chat is not available."),
    (Key::BackOnline, "Back online."),
    (Key::Transcript, "Conversation"),
    (Key::BotTyping, "The bot is typing"),
    (Key::NotSent, "Not sent"),
    (Key::Sent, "Sent"),
    (Key::Sending, "Sending…"),
    (Key::Retry, "Retry"),
    (Key::TypeMessage, "Type a message…"),
    (Key::ReplyTo, "Reply to {name}"),
    (Key::ChooseAnswer, "Choose an answer above"),
    (Key::MessageLabel, "Message"),
    (Key::Send, "Send"),
    (Key::PoweredBy, "Powered by webchat (Rust)"),
    (Key::You, "You"),
    (Key::QuickReplies, "Quick replies"),
    (Key::Said, "{name}: {text}"),
    (Key::Image, "Image"),
    (Key::Audio, "Audio message"),
    (Key::Video, "Video"),
    (Key::File, "File"),
    (Key::Cards, "Cards"),
    (Key::Location, "Location"),
    (Key::LoginForm, "Login form"),
    (Key::Unsupported, "Unsupported message"),
    (Key::Interactive, "Interactive message"),
    (Key::SessionReset, "The conversation has been reset."),
    (Key::RateAnswer, "Rate this answer"),
    (Key::GoodAnswer, "Good answer"),
    (Key::BadAnswer, "Bad answer"),
    (Key::Username, "Username"),
    (Key::Password, "Password"),
    (Key::LogIn, "Log in"),
    (Key::LoginSent, "Login information sent"),
    (Key::LoginRequested, "Login requested"),
    (Key::Select, "Select"),
    (Key::ChooseOption, "Choose an option"),
    (Key::OpenImage, "Open image {title} in a new tab"),
    (Key::DownloadFile, "Download {name}"),
    (Key::OpenMap, "Open {name} on a map in a new tab"),
]}

table! { FR, FR_KEYS = [
    (Key::OpenChat, "Ouvrir le chat"),
    (Key::CloseChat, "Fermer le chat"),
    (Key::BotInformation, "Informations sur le bot"),
    (Key::Language, "Langue"),
    (Key::UnreadMessages, "{n} messages non lus"),
    (Key::DefaultTitle, "Chatbot"),
    (Key::Conversations, "Conversations"),
    (Key::Reset, "Réinitialiser"),
    (Key::Download, "Télécharger"),
    (Key::Delete, "Supprimer"),
    (Key::NewConversation, "Nouvelle conversation"),
    (Key::NoMessages, "(aucun message)"),
    (
        Key::Offline,
        "Vous êtes hors ligne. Les messages partiront à votre retour.",
    ),
    (Key::Reconnecting, "Connexion perdue. Reconnexion…"),
    (Key::Unavailable, "Le chat n’est pas disponible."),
    (Key::BackOnline, "De nouveau en ligne."),
    (Key::Transcript, "Conversation"),
    (Key::BotTyping, "Le bot écrit"),
    (Key::NotSent, "Non envoyé"),
    (Key::Sent, "Envoyé"),
    (Key::Sending, "Envoi…"),
    (Key::Retry, "Réessayer"),
    (Key::TypeMessage, "Écrivez un message…"),
    (Key::ReplyTo, "Répondre à {name}"),
    (Key::ChooseAnswer, "Choisissez une réponse ci-dessus"),
    (Key::MessageLabel, "Message"),
    (Key::Send, "Envoyer"),
    (Key::PoweredBy, "Propulsé par webchat (Rust)"),
    (Key::You, "Vous"),
    (Key::QuickReplies, "Réponses rapides"),
    (Key::Said, "{name} : {text}"),
    (Key::Image, "Image"),
    (Key::Audio, "Message audio"),
    (Key::Video, "Vidéo"),
    (Key::File, "Fichier"),
    (Key::Cards, "Cartes"),
    (Key::Location, "Lieu"),
    (Key::LoginForm, "Formulaire de connexion"),
    (Key::Unsupported, "Message non pris en charge"),
    (Key::Interactive, "Message interactif"),
    (Key::SessionReset, "La conversation a été réinitialisée."),
    (Key::RateAnswer, "Évaluez cette réponse"),
    (Key::GoodAnswer, "Bonne réponse"),
    (Key::BadAnswer, "Mauvaise réponse"),
    (Key::Username, "Nom d’utilisateur"),
    (Key::Password, "Mot de passe"),
    (Key::LogIn, "Se connecter"),
    (Key::LoginSent, "Identifiants envoyés"),
    (Key::LoginRequested, "Connexion demandée"),
    (Key::Select, "Choisir"),
    (Key::ChooseOption, "Choisissez une option"),
    (
        Key::OpenImage,
        "Ouvrir l’image {title} dans un nouvel onglet",
    ),
    (Key::DownloadFile, "Télécharger {name}"),
    (
        Key::OpenMap,
        "Ouvrir {name} sur une carte dans un nouvel onglet",
    ),
]}

table! { ES, ES_KEYS = [
    (Key::OpenChat, "Abrir el chat"),
    (Key::CloseChat, "Cerrar el chat"),
    (Key::BotInformation, "Información del bot"),
    (Key::Language, "Idioma"),
    (Key::UnreadMessages, "{n} mensajes sin leer"),
    (Key::DefaultTitle, "Chatbot"),
    (Key::Conversations, "Conversaciones"),
    (Key::Reset, "Reiniciar"),
    (Key::Download, "Descargar"),
    (Key::Delete, "Eliminar"),
    (Key::NewConversation, "Nueva conversación"),
    (Key::NoMessages, "(sin mensajes)"),
    (
        Key::Offline,
        "Sin conexión. Los mensajes se enviarán cuando vuelvas.",
    ),
    (Key::Reconnecting, "Conexión perdida. Reconectando…"),
    (Key::Unavailable, "El chat no está disponible."),
    (Key::BackOnline, "Conectado de nuevo."),
    (Key::Transcript, "Conversación"),
    (Key::BotTyping, "El bot está escribiendo"),
    (Key::NotSent, "No enviado"),
    (Key::Sent, "Enviado"),
    (Key::Sending, "Enviando…"),
    (Key::Retry, "Reintentar"),
    (Key::TypeMessage, "Escribe un mensaje…"),
    (Key::ReplyTo, "Responder a {name}"),
    (Key::ChooseAnswer, "Elige una respuesta arriba"),
    (Key::MessageLabel, "Mensaje"),
    (Key::Send, "Enviar"),
    (Key::PoweredBy, "Con la tecnología de webchat (Rust)"),
    (Key::You, "Tú"),
    (Key::QuickReplies, "Respuestas rápidas"),
    (Key::Said, "{name}: {text}"),
    (Key::Image, "Imagen"),
    (Key::Audio, "Mensaje de audio"),
    (Key::Video, "Vídeo"),
    (Key::File, "Archivo"),
    (Key::Cards, "Tarjetas"),
    (Key::Location, "Ubicación"),
    (Key::LoginForm, "Formulario de inicio de sesión"),
    (Key::Unsupported, "Mensaje no compatible"),
    (Key::Interactive, "Mensaje interactivo"),
    (Key::SessionReset, "La conversación se ha reiniciado."),
    (Key::RateAnswer, "Valora esta respuesta"),
    (Key::GoodAnswer, "Buena respuesta"),
    (Key::BadAnswer, "Mala respuesta"),
    (Key::Username, "Usuario"),
    (Key::Password, "Contraseña"),
    (Key::LogIn, "Iniciar sesión"),
    (Key::LoginSent, "Datos de acceso enviados"),
    (Key::LoginRequested, "Inicio de sesión solicitado"),
    (Key::Select, "Seleccionar"),
    (Key::ChooseOption, "Elige una opción"),
    (
        Key::OpenImage,
        "Abrir la imagen {title} en una pestaña nueva",
    ),
    (Key::DownloadFile, "Descargar {name}"),
    (Key::OpenMap, "Abrir {name} en un mapa en una pestaña nueva"),
]}

table! { DE, DE_KEYS = [
    (Key::OpenChat, "Chat öffnen"),
    (Key::CloseChat, "Chat schließen"),
    (Key::BotInformation, "Informationen zum Bot"),
    (Key::Language, "Sprache"),
    (Key::UnreadMessages, "{n} ungelesene Nachrichten"),
    (Key::DefaultTitle, "Chatbot"),
    (Key::Conversations, "Unterhaltungen"),
    (Key::Reset, "Zurücksetzen"),
    (Key::Download, "Herunterladen"),
    (Key::Delete, "Löschen"),
    (Key::NewConversation, "Neue Unterhaltung"),
    (Key::NoMessages, "(keine Nachrichten)"),
    (
        Key::Offline,
        "Sie sind offline. Nachrichten werden gesendet, sobald Sie wieder online sind.",
    ),
    (Key::Reconnecting, "Verbindung verloren. Neuer Versuch…"),
    (Key::Unavailable, "Der Chat ist nicht verfügbar."),
    (Key::BackOnline, "Wieder online."),
    (Key::Transcript, "Unterhaltung"),
    (Key::BotTyping, "Der Bot schreibt"),
    (Key::NotSent, "Nicht gesendet"),
    (Key::Sent, "Gesendet"),
    (Key::Sending, "Wird gesendet…"),
    (Key::Retry, "Erneut versuchen"),
    (Key::TypeMessage, "Nachricht eingeben…"),
    (Key::ReplyTo, "Antwort an {name}"),
    (Key::ChooseAnswer, "Wählen Sie oben eine Antwort"),
    (Key::MessageLabel, "Nachricht"),
    (Key::Send, "Senden"),
    (Key::PoweredBy, "Betrieben mit webchat (Rust)"),
    (Key::You, "Sie"),
    (Key::QuickReplies, "Schnellantworten"),
    (Key::Said, "{name}: {text}"),
    (Key::Image, "Bild"),
    (Key::Audio, "Sprachnachricht"),
    (Key::Video, "Video"),
    (Key::File, "Datei"),
    (Key::Cards, "Karten"),
    (Key::Location, "Ort"),
    (Key::LoginForm, "Anmeldeformular"),
    (Key::Unsupported, "Nicht unterstützte Nachricht"),
    (Key::Interactive, "Interaktive Nachricht"),
    (Key::SessionReset, "Die Unterhaltung wurde zurückgesetzt."),
    (Key::RateAnswer, "Diese Antwort bewerten"),
    (Key::GoodAnswer, "Gute Antwort"),
    (Key::BadAnswer, "Schlechte Antwort"),
    (Key::Username, "Benutzername"),
    (Key::Password, "Passwort"),
    (Key::LogIn, "Anmelden"),
    (Key::LoginSent, "Anmeldedaten gesendet"),
    (Key::LoginRequested, "Anmeldung angefordert"),
    (Key::Select, "Auswählen"),
    (Key::ChooseOption, "Option wählen"),
    (Key::OpenImage, "Bild {title} in neuem Tab öffnen"),
    (Key::DownloadFile, "{name} herunterladen"),
    (Key::OpenMap, "{name} auf einer Karte in neuem Tab öffnen"),
]}

table! { PT, PT_KEYS = [
    (Key::OpenChat, "Abrir o chat"),
    (Key::CloseChat, "Fechar o chat"),
    (Key::BotInformation, "Informações do bot"),
    (Key::Language, "Idioma"),
    (Key::UnreadMessages, "{n} mensagens não lidas"),
    (Key::DefaultTitle, "Chatbot"),
    (Key::Conversations, "Conversas"),
    (Key::Reset, "Reiniciar"),
    (Key::Download, "Baixar"),
    (Key::Delete, "Excluir"),
    (Key::NewConversation, "Nova conversa"),
    (Key::NoMessages, "(sem mensagens)"),
    (
        Key::Offline,
        "Você está offline. As mensagens serão enviadas quando voltar.",
    ),
    (Key::Reconnecting, "Conexão perdida. Reconectando…"),
    (Key::Unavailable, "O chat não está disponível."),
    (Key::BackOnline, "Online novamente."),
    (Key::Transcript, "Conversa"),
    (Key::BotTyping, "O bot está digitando"),
    (Key::NotSent, "Não enviada"),
    (Key::Sent, "Enviada"),
    (Key::Sending, "Enviando…"),
    (Key::Retry, "Tentar novamente"),
    (Key::TypeMessage, "Digite uma mensagem…"),
    (Key::ReplyTo, "Responder a {name}"),
    (Key::ChooseAnswer, "Escolha uma resposta acima"),
    (Key::MessageLabel, "Mensagem"),
    (Key::Send, "Enviar"),
    (Key::PoweredBy, "Desenvolvido com webchat (Rust)"),
    (Key::You, "Você"),
    (Key::QuickReplies, "Respostas rápidas"),
    (Key::Said, "{name}: {text}"),
    (Key::Image, "Imagem"),
    (Key::Audio, "Mensagem de áudio"),
    (Key::Video, "Vídeo"),
    (Key::File, "Arquivo"),
    (Key::Cards, "Cartões"),
    (Key::Location, "Local"),
    (Key::LoginForm, "Formulário de login"),
    (Key::Unsupported, "Mensagem não suportada"),
    (Key::Interactive, "Mensagem interativa"),
    (Key::SessionReset, "A conversa foi reiniciada."),
    (Key::RateAnswer, "Avalie esta resposta"),
    (Key::GoodAnswer, "Boa resposta"),
    (Key::BadAnswer, "Resposta ruim"),
    (Key::Username, "Usuário"),
    (Key::Password, "Senha"),
    (Key::LogIn, "Entrar"),
    (Key::LoginSent, "Dados de login enviados"),
    (Key::LoginRequested, "Login solicitado"),
    (Key::Select, "Selecionar"),
    (Key::ChooseOption, "Escolha uma opção"),
    (Key::OpenImage, "Abrir a imagem {title} em nova aba"),
    (Key::DownloadFile, "Baixar {name}"),
    (Key::OpenMap, "Abrir {name} num mapa em nova aba"),
]}

table! { AR, AR_KEYS = [
    (Key::OpenChat, "فتح المحادثة"),
    (Key::CloseChat, "إغلاق المحادثة"),
    (Key::BotInformation, "معلومات عن البوت"),
    (Key::Language, "اللغة"),
    (Key::UnreadMessages, "{n} رسائل غير مقروءة"),
    (Key::DefaultTitle, "روبوت المحادثة"),
    (Key::Conversations, "المحادثات"),
    (Key::Reset, "إعادة تعيين"),
    (Key::Download, "تنزيل"),
    (Key::Delete, "حذف"),
    (Key::NewConversation, "بدء محادثة جديدة"),
    (Key::NoMessages, "(لا توجد رسائل)"),
    (Key::Offline, "أنت غير متصل. سيتم إرسال الرسائل عند عودتك."),
    (Key::Reconnecting, "انقطع الاتصال. جارٍ إعادة الاتصال…"),
    (Key::Unavailable, "المحادثة غير متاحة."),
    (Key::BackOnline, "عاد الاتصال."),
    (Key::Transcript, "المحادثة"),
    (Key::BotTyping, "الروبوت يكتب"),
    (Key::NotSent, "لم تُرسل"),
    (Key::Sent, "أُرسلت"),
    (Key::Sending, "جارٍ الإرسال…"),
    (Key::Retry, "إعادة المحاولة"),
    (Key::TypeMessage, "اكتب رسالة…"),
    (Key::ReplyTo, "الرد على {name}"),
    (Key::ChooseAnswer, "اختر إجابة من الأعلى"),
    (Key::MessageLabel, "رسالة"),
    (Key::Send, "إرسال"),
    (Key::PoweredBy, "مدعوم بواسطة webchat (Rust)"),
    (Key::You, "أنت"),
    (Key::QuickReplies, "ردود سريعة"),
    (Key::Said, "{name}: {text}"),
    (Key::Image, "صورة"),
    (Key::Audio, "رسالة صوتية"),
    (Key::Video, "فيديو"),
    (Key::File, "ملف"),
    (Key::Cards, "بطاقات"),
    (Key::Location, "موقع"),
    (Key::LoginForm, "نموذج تسجيل الدخول"),
    (Key::Unsupported, "رسالة غير مدعومة"),
    (Key::Interactive, "رسالة تفاعلية"),
    (Key::SessionReset, "تمت إعادة تعيين المحادثة."),
    (Key::RateAnswer, "قيّم هذه الإجابة"),
    (Key::GoodAnswer, "إجابة جيدة"),
    (Key::BadAnswer, "إجابة سيئة"),
    (Key::Username, "اسم المستخدم"),
    (Key::Password, "كلمة المرور"),
    (Key::LogIn, "تسجيل الدخول"),
    (Key::LoginSent, "تم إرسال بيانات الدخول"),
    (Key::LoginRequested, "طُلب تسجيل الدخول"),
    (Key::Select, "اختيار"),
    (Key::ChooseOption, "اختر خيارًا"),
    (Key::OpenImage, "فتح الصورة {title} في علامة تبويب جديدة"),
    (Key::DownloadFile, "تنزيل {name}"),
    (Key::OpenMap, "فتح {name} على الخريطة في علامة تبويب جديدة"),
]}

fn table(lang: Lang) -> Table {
    match lang {
        Lang::En => EN,
        Lang::Fr => FR,
        Lang::Es => ES,
        Lang::De => DE,
        Lang::Pt => PT,
        Lang::Ar => AR,
    }
}

/// The `key`th line of `table` (`table.split('\n').nth(key)` as a plain byte loop).
fn find(table: Table, key: Key) -> Option<&'static str> {
    let mut left = key as usize;
    let mut start = 0;
    for (i, &b) in table.as_bytes().iter().enumerate() {
        if b == b'\n' {
            if left == 0 {
                return table.get(start..i);
            }
            left -= 1;
            start = i + 1;
        }
    }
    if left == 0 {
        table.get(start..)
    } else {
        None
    }
}

/// The string for `key` in `lang` (every table has every key: a native test checks it).
pub fn t(lang: Lang, key: Key) -> &'static str {
    find(table(lang), key).unwrap_or("")
}

/// [`t`] with `{name}` placeholders replaced by `args` (`[("n", "3")]`).
///
/// One pass over the template: a value that itself contains `{name}` is not expanded again, and an
/// unknown placeholder stays as written.
pub fn tf(lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
    let mut rest = t(lang, key);
    let mut out = String::with_capacity(rest.len());
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((value, &after[close + 1..]))
        });
        match value {
            Some((value, next)) => {
                out.push_str(value);
                rest = next;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        for &lang in LANGS {
            let table = table(lang);
            assert_eq!(
                table.split('\n').count(),
                KEYS.len() + 1,
                "{lang:?}: one line a key"
            );
            for &key in KEYS {
                assert_eq!(find(table, key), table.split('\n').nth(key as usize));
                let s = find(table, key).unwrap_or_else(|| panic!("{lang:?} lacks {key:?}"));
                assert!(!s.trim().is_empty(), "{lang:?} {key:?} is empty");
                assert_eq!(
                    placeholders(s),
                    placeholders(find(EN, key).unwrap()),
                    "{lang:?} {key:?}"
                );
            }
        }
        for (i, &key) in KEYS.iter().enumerate() {
            assert_eq!(key as usize, i, "KEYS is in declaration order");
        }
        for (lang, keys) in [
            (Lang::En, EN_KEYS),
            (Lang::Fr, FR_KEYS),
            (Lang::Es, ES_KEYS),
            (Lang::De, DE_KEYS),
            (Lang::Pt, PT_KEYS),
            (Lang::Ar, AR_KEYS),
        ] {
            assert_eq!(keys, KEYS, "{lang:?}'s table is in KEYS order, once each");
        }
    }

    #[test]
    fn resolves_locale_and_browser_language() {
        assert_eq!(Lang::resolve("browser", "fr-CA"), Lang::Fr);
        assert_eq!(Lang::resolve("", "pt_BR"), Lang::Pt);
        assert_eq!(Lang::resolve("browser", "ja-JP"), Lang::En);
        assert_eq!(Lang::resolve("AR", "fr"), Lang::Ar);
        assert_eq!(Lang::resolve("de-AT", "fr"), Lang::De);
        assert_eq!(Lang::resolve("xx", "fr"), Lang::En);
        assert!(Lang::Ar.is_rtl());
        assert_eq!(Lang::Ar.dir(), "rtl");
        assert_eq!(Lang::Es.dir(), "ltr");
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(
            tf(Lang::Fr, Key::ReplyTo, &[("name", "Ada")]),
            "Répondre à Ada"
        );
        assert_eq!(tf(Lang::En, Key::UnreadMessages, &[("n", "2")]), "2 unread");
        assert_eq!(t(Lang::De, Key::Send), "Senden");
        // one pass: a value is never expanded again; unknown or unclosed placeholders stay
        assert_eq!(
            tf(
                Lang::En,
                Key::Said,
                &[("name", "{text}"), ("text", "hi {x}")]
            ),
            "{text}: hi {x}"
        );
        assert_eq!(tf(Lang::En, Key::Said, &[("text", "t")]), "{name}: t");
    }
}
