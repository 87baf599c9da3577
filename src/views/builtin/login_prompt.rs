//! `login_prompt`: a username/password form that sends
//! `{type:'login_prompt', text:'Provided login information', username, password, sensitive:['password']}`
//! (§1.8). The password is read from the field only at submit, cleared right after, and never kept,
//! shown or logged.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::dom::{flag, set_text, Scope, E};
use crate::i18n::Key;
use crate::json;
use crate::json::Value;
use crate::views::RenderCtx;

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

fn field(label: &str, kind: &str, name: &str, autocomplete: &str, testid: &str) -> (E, E) {
    let input = E::new("input")
        .attr("type", kind)
        .attr("name", name)
        .attr("autocomplete", autocomplete)
        .testid(testid)
        .attr("aria-label", label);
    let wrapper = E::classed("label", "bpw-login-field")
        .child(E::new("span").text(label))
        .child(input.clone());
    (wrapper, input)
}

/// The login form of a bot `login_prompt`; once it is no longer the last message, a line saying a
/// login was requested.
pub fn render(ctx: &RenderCtx, active: bool, scope: &mut Scope) -> Element {
    if !active {
        return E::classed("p", "bpw-text bpw-login-closed")
            .text(ctx.tr(Key::LoginRequested))
            .0;
    }
    let (user_field, user) = field(
        ctx.tr(Key::Username),
        "text",
        "username",
        "username",
        "bpw-login-username",
    );
    let user = user.flag("required", true);
    let (pass_field, pass) = field(
        ctx.tr(Key::Password),
        "password",
        "password",
        "current-password",
        "bpw-login-password",
    );
    let submit = E::new("button")
        .attr("type", "submit")
        .class("bpw-login-submit")
        .testid("bpw-login-submit")
        .text(ctx.tr(Key::LogIn));
    let sent_label = ctx.tr(Key::LoginSent);
    let send = ctx.send_payload.clone();
    let (u, p, b) = (user.0.clone(), pass.0.clone(), submit.0.clone());
    E::classed("form", "bpw-login")
        .testid("bpw-login-form")
        .attr("aria-label", ctx.tr(Key::LoginForm))
        .child(user_field)
        .child(pass_field)
        .child(submit)
        .on(
            scope,
            "submit",
            Box::new(move |ev| {
                ev.prevent_default();
                // both were created as `input` elements above
                let user = u.unchecked_ref::<HtmlInputElement>();
                let pass = p.unchecked_ref::<HtmlInputElement>();
                let name = user.value();
                if name.trim().is_empty() || b.has_attribute("disabled") {
                    return;
                }
                let payload = login_payload(&name, &pass.value());
                pass.set_value("");
                for el in [&u, &p, &b] {
                    flag(el, "disabled", true);
                }
                set_text(&b, sent_label);
                send(payload);
            }),
        )
        .0
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
