//! The `before_incoming_middleware` hook pipeline: hooks run in order on every incoming event before
//! the bot sees it, may change the user state and set flags (seed 000).

use serde_json::{json, Value};

/// Flags a hook may set (Botpress `WellKnownFlags`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `SKIP_DIALOG_ENGINE`: the bot does not answer this event.
    pub skip_dialog_engine: bool,
    /// `FORCE_PERSIST_STATE`: persist `state.user` now.
    pub force_persist_state: bool,
}

/// What a hook sees of an event.
#[derive(Debug)]
pub struct HookEvent<'a> {
    /// Event type (`payload.type`).
    pub kind: &'a str,
    /// Channel (`web`, `api`, `messaging`).
    pub channel: &'a str,
    /// The payload.
    pub payload: &'a Value,
    /// `event.credentials` (verified external token claims).
    pub credentials: Option<&'a Value>,
    /// `event.state.user`, mutable.
    pub user_state: &'a mut Value,
}

/// One hook.
pub trait Hook: Send + Sync {
    /// Name for logs.
    fn name(&self) -> &'static str;
    /// Runs on an incoming event.
    fn before_incoming(&self, event: &mut HookEvent<'_>, flags: &mut Flags);
}

/// The built-in `update_profile` hook: copies `credentials.firstname/lastname` into the user state,
/// persists it and skips the dialog engine.
#[derive(Debug, Default)]
pub struct UpdateProfile;

impl Hook for UpdateProfile {
    fn name(&self) -> &'static str {
        "update_profile"
    }

    fn before_incoming(&self, event: &mut HookEvent<'_>, flags: &mut Flags) {
        if event.kind != "update_profile" {
            return;
        }
        if let Some(creds) = event.credentials {
            if !event.user_state.is_object() {
                *event.user_state = json!({});
            }
            let state = event
                .user_state
                .as_object_mut()
                .expect("object ensured above");
            for key in ["firstname", "lastname"] {
                match creds.get(key) {
                    Some(v) if !v.is_null() => {
                        state.insert(key.to_string(), v.clone());
                    }
                    _ => {
                        state.remove(key);
                    }
                }
            }
            flags.force_persist_state = true;
        } else {
            tracing::info!("update_profile without valid credentials");
        }
        flags.skip_dialog_engine = true;
    }
}

/// An ordered list of hooks.
pub struct Pipeline {
    hooks: Vec<Box<dyn Hook>>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline {
            hooks: vec![Box::new(UpdateProfile)],
        }
    }
}

impl Pipeline {
    /// An empty pipeline.
    pub fn empty() -> Self {
        Pipeline { hooks: Vec::new() }
    }

    /// Appends a hook.
    pub fn push(&mut self, h: Box<dyn Hook>) {
        self.hooks.push(h);
    }

    /// Runs every hook in order.
    pub fn run(&self, event: &mut HookEvent<'_>) -> Flags {
        let mut flags = Flags::default();
        for h in &self.hooks {
            h.before_incoming(event, &mut flags);
            tracing::trace!(hook = h.name(), ?flags, "hook ran");
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_profile_copies_names_and_skips_dialog() {
        let mut state = json!({"webchatCustomId": "x"});
        let creds = json!({"firstname": "Ada", "lastname": "Lovelace", "role": "admin"});
        let payload = json!({"type": "update_profile"});
        let mut ev = HookEvent {
            kind: "update_profile",
            channel: "web",
            payload: &payload,
            credentials: Some(&creds),
            user_state: &mut state,
        };
        let flags = Pipeline::default().run(&mut ev);
        assert!(flags.skip_dialog_engine && flags.force_persist_state);
        assert_eq!(
            state,
            json!({"webchatCustomId": "x", "firstname": "Ada", "lastname": "Lovelace"})
        );
    }

    #[test]
    fn update_profile_without_credentials_changes_nothing() {
        let mut state = json!({});
        let payload = json!({"type": "update_profile"});
        let mut ev = HookEvent {
            kind: "update_profile",
            channel: "web",
            payload: &payload,
            credentials: None,
            user_state: &mut state,
        };
        let flags = Pipeline::default().run(&mut ev);
        assert!(flags.skip_dialog_engine);
        assert!(!flags.force_persist_state);
        assert_eq!(state, json!({}));
    }

    #[test]
    fn other_events_pass_through() {
        let mut state = json!({});
        let payload = json!({"type": "text", "text": "hi"});
        let mut ev = HookEvent {
            kind: "text",
            channel: "web",
            payload: &payload,
            credentials: None,
            user_state: &mut state,
        };
        assert_eq!(Pipeline::default().run(&mut ev), Flags::default());
    }
}
