//! The built-in demo bot `welcome-bot`: a pure function from an incoming event to outgoing payloads.
//! It greets on `visit` (by first name when the user state has one), lists keywords on `help`,
//! answers each keyword with one content type the widget renders (v12 universal types, §1.8),
//! `all` with one of each, and echoes anything else as `You said: <text>`.

use serde_json::{json, Value};

/// Base path of the demo media the server itself serves.
pub const ASSETS: &str = "/demo-assets";

/// The bot's answer to one event.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// Outgoing payloads, in order (`typing` items included).
    pub payloads: Vec<Value>,
    /// What the bot decided (used as the Converse `decision` / `nlu.intent`).
    pub intent: String,
}

/// Keywords and what they show.
pub const KEYWORDS: &[(&str, &str)] = &[
    ("hi", "a greeting (by first name when I know it)"),
    ("text", "plain text"),
    ("markdown", "formatted text"),
    ("image", "an image"),
    ("audio", "an audio clip"),
    ("video", "a video"),
    ("file", "a file download"),
    ("card", "a card with buttons"),
    ("carousel", "a carousel of cards"),
    ("choice", "quick replies (single-choice)"),
    ("dropdown", "a dropdown"),
    ("login", "a login form"),
    ("typing", "a typing indicator"),
    ("location", "a location"),
    ("custom", "a custom component"),
    ("all", "one of every type"),
];

/// Answers an incoming payload. `user_state` is `event.state.user` (user attributes).
pub fn respond(payload: &Value, user_state: &Value) -> Reply {
    let ty = payload.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "visit" => Reply {
            payloads: vec![greeting(user_state)],
            intent: "visit".into(),
        },
        "session_reset" => Reply {
            payloads: vec![],
            intent: "session_reset".into(),
        },
        "login_prompt" => Reply {
            // Never echo credentials back.
            payloads: vec![text(
                "Thanks, your login information was received (this demo does not check it).",
            )],
            intent: "login".into(),
        },
        "text" | "quick_reply" | "postback" | "say_something" => {
            let text_in = payload
                .get("payload")
                .and_then(Value::as_str)
                .or_else(|| payload.get("text").and_then(Value::as_str))
                .unwrap_or("");
            let said = payload
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or(text_in);
            keyword_reply(text_in, said, user_state)
        }
        _ => Reply {
            payloads: vec![],
            intent: "none".into(),
        },
    }
}

fn first_name(user_state: &Value) -> Option<&str> {
    user_state
        .get("firstname")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn greeting(user_state: &Value) -> Value {
    match first_name(user_state) {
        Some(n) => text(&format!(
            "Hi {n}, welcome back! Type `help` to see what I can show you."
        )),
        None => text("Hi, welcome! I'm the demo bot. Type `help` to see what I can show you."),
    }
}

fn keyword_reply(key_text: &str, said: &str, user_state: &Value) -> Reply {
    let key = key_text.trim().trim_start_matches('/').to_ascii_lowercase();
    let one = |p: Value| vec![p];
    let payloads = match key.as_str() {
        "help" => one(help()),
        "hi" | "hello" => {
            return Reply {
                payloads: vec![greeting(user_state)],
                intent: "greeting".into(),
            }
        }
        "text" => one(text("This is a plain text message.")),
        "markdown" => one(markdown()),
        "image" => one(image()),
        "audio" => one(audio()),
        "video" => one(video()),
        "file" => one(file()),
        "card" => one(card()),
        "carousel" => one(carousel()),
        "choice" | "quick_replies" | "single-choice" => one(choice()),
        "dropdown" => one(dropdown()),
        "login" | "login_prompt" => one(login()),
        "typing" => vec![
            json!({"type": "typing", "value": 800}),
            text("…done typing."),
        ],
        "location" => one(location()),
        "custom" => one(custom()),
        "all" => vec![
            text("Here is one of every content type:"),
            markdown(),
            image(),
            audio(),
            video(),
            file(),
            card(),
            carousel(),
            json!({"type": "typing", "value": 300}),
            location(),
            custom(),
            login(),
            dropdown(),
            choice(),
        ],
        "choice_yes" => one(text("You picked yes.")),
        "choice_no" => one(text("You picked no.")),
        _ => {
            return Reply {
                payloads: vec![text(&format!("You said: {said}"))],
                intent: "none".into(),
            }
        }
    };
    Reply {
        payloads,
        intent: key,
    }
}

/// A plain text payload.
pub fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

fn help() -> Value {
    let mut s = String::from("Type one of these keywords:\n");
    for (k, what) in KEYWORDS {
        s.push_str(&format!("- **{k}**: {what}\n"));
    }
    json!({"type": "text", "markdown": true, "text": s})
}

fn markdown() -> Value {
    json!({"type": "text", "markdown": true,
        "text": "**Bold**, *italic*, `code` and a [link](https://botpress.com).\n\n- one\n- two"})
}

fn image() -> Value {
    json!({"type": "image", "image": format!("{ASSETS}/welcome.svg"), "title": "The welcome picture"})
}

fn audio() -> Value {
    json!({"type": "audio", "audio": format!("{ASSETS}/chime.wav"), "title": "A short chime"})
}

fn video() -> Value {
    json!({"type": "video", "video": format!("{ASSETS}/clip.webm"), "title": "A short clip"})
}

fn file() -> Value {
    json!({"type": "file", "file": format!("{ASSETS}/readme.txt"), "title": "readme.txt"})
}

fn card_item(n: u32) -> Value {
    json!({
        "title": format!("Card {n}"),
        "subtitle": "A card with three kinds of buttons",
        "image": format!("{ASSETS}/welcome.svg"),
        "actions": [
            {"action": "Say something", "title": "Say hi", "text": "hi"},
            {"action": "Open URL", "title": "Open the docs", "url": "https://botpress.com/docs"},
            {"action": "Postback", "title": "Show text", "payload": "text"}
        ]
    })
}

fn card() -> Value {
    let mut c = card_item(1);
    c["type"] = json!("card");
    c
}

fn carousel() -> Value {
    json!({"type": "carousel", "items": [card_item(1), card_item(2), card_item(3)]})
}

fn choice() -> Value {
    json!({"type": "single-choice", "text": "Do you like this demo?", "disableFreeText": false,
        "choices": [{"title": "Yes", "value": "choice_yes"}, {"title": "No", "value": "choice_no"}]})
}

fn dropdown() -> Value {
    json!({"type": "dropdown", "message": "Pick a content type:", "buttonText": "Show",
    "placeholderText": "Select…", "options": [
        {"label": "Image", "value": "image"},
        {"label": "Card", "value": "card"},
        {"label": "Location", "value": "location"}
    ]})
}

fn login() -> Value {
    json!({"type": "login_prompt", "text": "Please log in"})
}

fn location() -> Value {
    json!({"type": "location", "latitude": 45.5017, "longitude": -73.5673,
        "address": "Montréal, QC, Canada", "title": "Montréal"})
}

fn custom() -> Value {
    json!({"type": "custom", "module": "demo", "component": "Greeting",
        "url": format!("{ASSETS}/greeting-component.js"), "name": "Greeting",
        "data": {"name": "visitor"},
        "wrapped": {"type": "text", "text": "A custom component (a placeholder shows when it is not registered)."}})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn say(t: &str) -> Reply {
        respond(&json!({"type": "text", "text": t}), &json!({}))
    }

    #[test]
    fn visit_greets_with_welcome_and_first_name() {
        let r = respond(&json!({"type": "visit"}), &json!({}));
        assert!(r.payloads[0]["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("welcome"));
        let r = respond(&json!({"type": "visit"}), &json!({"firstname": "Ada"}));
        assert!(r.payloads[0]["text"].as_str().unwrap().contains("Hi Ada"));
    }

    #[test]
    fn hi_greets_by_first_name() {
        let r = respond(
            &json!({"type": "text", "text": "Hi"}),
            &json!({"firstname": "Ada"}),
        );
        assert!(r.payloads[0]["text"].as_str().unwrap().contains("Hi Ada"));
    }

    #[test]
    fn help_lists_every_keyword() {
        let t = say("help").payloads[0]["text"]
            .as_str()
            .unwrap()
            .to_string();
        for (k, _) in KEYWORDS {
            assert!(t.contains(k), "{k} missing");
        }
    }

    #[test]
    fn echo_otherwise() {
        let r = say("what is this");
        assert_eq!(r.payloads, vec![text("You said: what is this")]);
        assert_eq!(r.intent, "none");
        // Only the listed keywords are special (contract: any other text is echoed).
        for t in ["yes", "no", "hi there"] {
            assert_eq!(say(t).payloads, vec![text(&format!("You said: {t}"))]);
        }
    }

    #[test]
    fn all_sends_every_type() {
        let types: Vec<String> = say("ALL")
            .payloads
            .iter()
            .map(|p| p["type"].as_str().unwrap().to_string())
            .collect();
        for t in [
            "text",
            "image",
            "audio",
            "video",
            "file",
            "card",
            "carousel",
            "single-choice",
            "dropdown",
            "login_prompt",
            "typing",
            "location",
            "custom",
        ] {
            assert!(types.iter().any(|x| x == t), "{t} missing from {types:?}");
        }
    }

    #[test]
    fn quick_reply_uses_payload_value() {
        let r = respond(
            &json!({"type": "quick_reply", "text": "Yes", "payload": "choice_yes"}),
            &json!({}),
        );
        assert_eq!(r.payloads, vec![text("You picked yes.")]);
    }

    #[test]
    fn media_points_at_local_assets() {
        for k in ["image", "audio", "video", "file"] {
            let p = &say(k).payloads[0];
            assert!(p[k].as_str().unwrap().starts_with(ASSETS), "{k}");
        }
    }
}
