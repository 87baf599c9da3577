//! `custom extensions/Dropdown` (and universal `dropdown`): a native select (single) or a checkbox list
//! (multiple). A selection sends `{type:'quick_reply', text:label, payload:value||label}` (§1.8).

use leptos::either::Either;
use leptos::prelude::*;
use serde_json::Value;

use crate::model::Message;
use crate::views::builtin::unsupported::Unsupported;
use crate::views::convert::{Custom, Dropdown};
use crate::views::markdown::{nodes_view, parse_markdown, plain_text_nodes};
use crate::views::RenderCtx;

/// Registry entry for `extensions/Dropdown`.
pub fn render(custom: &Custom, msg: &Message, ctx: &RenderCtx) -> AnyView {
    match Dropdown::from_props(&custom.props) {
        Some(dropdown) => view! {
            <DropdownView
                dropdown
                bot_host=ctx.bot_host.clone()
                send_payload=ctx.send_payload
                active=msg.is_bot() && ctx.is_last()
            />
        }
        .into_any(),
        None => view! { <Unsupported type_name="custom".to_string() /> }.into_any(),
    }
}

/// A dropdown message.
#[component]
pub fn DropdownView(
    /// Typed dropdown props.
    dropdown: Dropdown,
    /// Origin relative URLs in a markdown message resolve on.
    #[prop(into)]
    bot_host: String,
    /// Sends the selection.
    send_payload: Callback<Value>,
    /// Whether the dropdown can still be used (only on the last message).
    active: bool,
) -> impl IntoView {
    let message = dropdown.message.as_ref().map(|m| {
        let nodes = if dropdown.markdown {
            parse_markdown(m, &bot_host)
        } else {
            plain_text_nodes(m)
        };
        view! { <div class="bpw-text bpw-dropdown-message">{nodes_view(nodes)}</div> }
    });
    let sent = RwSignal::new(!active);
    let options = StoredValue::new(dropdown.options.clone());
    let button_text = dropdown
        .button_text
        .clone()
        .unwrap_or_else(|| crate::views::tr(crate::i18n::Key::Select).to_string());
    let placeholder = dropdown
        .placeholder_text
        .clone()
        .unwrap_or_else(|| crate::views::tr(crate::i18n::Key::ChooseOption).to_string());
    let send = move |indices: Vec<usize>| {
        let chosen: Vec<_> =
            options.with_value(|o| indices.iter().filter_map(|i| o.get(*i).cloned()).collect());
        if chosen.is_empty() || sent.get_untracked() {
            return;
        }
        sent.set(true);
        send_payload.run(Dropdown::selection_payload(&chosen));
    };
    let control = if dropdown.allow_multiple {
        let checked = RwSignal::new(Vec::<usize>::new());
        let boxes = dropdown
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let label = o.label.clone();
                view! {
                    <label class="bpw-dropdown-option">
                        <input
                            type="checkbox"
                            data-testid="bpw-dropdown-option"
                            aria-label=label.clone()
                            disabled=move || sent.get()
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                checked.update(|c| {
                                    c.retain(|x| *x != i);
                                    if on {
                                        c.push(i);
                                        c.sort_unstable();
                                    }
                                });
                            }
                        />
                        <span>{label.clone()}</span>
                    </label>
                }
            })
            .collect::<Vec<_>>();
        Either::Left(view! {
            <fieldset class="bpw-dropdown-multiple" aria-label=placeholder>
                {boxes}
                <button
                    type="button"
                    class="bpw-dropdown-submit"
                    data-testid="bpw-dropdown-submit"
                    aria-label=button_text.clone()
                    disabled=move || sent.get() || checked.with(Vec::is_empty)
                    on:click=move |_| send(checked.get_untracked())
                >
                    {button_text.clone()}
                </button>
            </fieldset>
        })
    } else {
        let options = dropdown
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| view! { <option value=i.to_string()>{o.label.clone()}</option> })
            .collect::<Vec<_>>();
        Either::Right(view! {
            <select
                class="bpw-dropdown-select"
                data-testid="bpw-dropdown-select"
                aria-label=placeholder.clone()
                disabled=move || sent.get()
                on:change:target=move |ev| {
                    if let Ok(i) = ev.target().value().parse::<usize>() {
                        send(vec![i]);
                    }
                }
            >
                <option value="" disabled=true selected=true>
                    {placeholder.clone()}
                </option>
                {options}
            </select>
        })
    };
    view! {
        <div class="bpw-dropdown" data-testid="bpw-dropdown">
            {message}
            {control}
        </div>
    }
}
