//! `login_prompt`: a username/password form that sends
//! `{type:'login_prompt', text:'Provided login information', username, password, sensitive:['password']}`
//! (§1.8). The password is read from the field only at submit, cleared right after, and never kept in a
//! signal, shown or logged.

use leptos::either::Either;
use leptos::html;
use leptos::prelude::*;
use serde_json::{json, Value};

use crate::i18n::Key;
use crate::views::tr;

/// The payload a login sends.
pub fn login_payload(username: &str, password: &str) -> Value {
    json!({
        "type": "login_prompt",
        "text": "Provided login information",
        "username": username,
        "password": password,
        "sensitive": ["password"],
    })
}

/// The login form of a bot `login_prompt`.
#[component]
pub fn LoginPrompt(
    /// Sends the login payload.
    send_payload: Callback<Value>,
    /// Whether the prompt can still be answered (only on the last message).
    active: bool,
) -> impl IntoView {
    let username = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let sent = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(user), Some(pass)) = (username.get_untracked(), password.get_untracked()) else {
            return;
        };
        let name = user.value();
        if name.trim().is_empty() || sent.get_untracked() {
            return;
        }
        let payload = login_payload(&name, &pass.value());
        pass.set_value("");
        sent.set(true);
        send_payload.run(payload);
    };
    if !active {
        return Either::Right(
            view! { <p class="bpw-text bpw-login-closed">{tr(Key::LoginRequested)}</p> },
        );
    }
    Either::Left(view! {
        <form class="bpw-login" data-testid="bpw-login-form" aria-label=tr(Key::LoginForm) on:submit=on_submit>
            <label class="bpw-login-field">
                <span>{tr(Key::Username)}</span>
                <input
                    type="text"
                    name="username"
                    autocomplete="username"
                    required=true
                    data-testid="bpw-login-username"
                    aria-label=tr(Key::Username)
                    disabled=move || sent.get()
                    node_ref=username
                />
            </label>
            <label class="bpw-login-field">
                <span>{tr(Key::Password)}</span>
                <input
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    data-testid="bpw-login-password"
                    aria-label=tr(Key::Password)
                    disabled=move || sent.get()
                    node_ref=password
                />
            </label>
            <button
                type="submit"
                class="bpw-login-submit"
                data-testid="bpw-login-submit"
                disabled=move || sent.get()
            >
                {move || tr(if sent.get() { Key::LoginSent } else { Key::LogIn })}
            </button>
        </form>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_marks_password_sensitive() {
        assert_eq!(
            login_payload("ann", "s3cret"),
            json!({"type":"login_prompt","text":"Provided login information","username":"ann",
                "password":"s3cret","sensitive":["password"]})
        );
    }
}
