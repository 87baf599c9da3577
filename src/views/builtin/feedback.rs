//! `collectFeedback`: thumbs up / down under a bot message (v12 posts it to `/saveFeedback`, §1.8).

use leptos::prelude::*;

use crate::i18n::Key;
use crate::views::tr;

/// Thumbs up (1) and down (-1); one vote per message.
#[component]
pub fn Feedback(
    /// The message the vote is about.
    message_id: String,
    /// Called with `(message id, 1 | -1)`.
    on_feedback: Callback<(String, i8)>,
) -> impl IntoView {
    let vote = RwSignal::new(None::<i8>);
    let id = StoredValue::new(message_id);
    let cast = move |value: i8| {
        if vote.get_untracked().is_none() {
            vote.set(Some(value));
            on_feedback.run((id.get_value(), value));
        }
    };
    view! {
        <div class="bpw-feedback" role="group" aria-label=tr(Key::RateAnswer)>
            <button
                type="button"
                class="bpw-feedback-up"
                class:bpw-selected=move || vote.get() == Some(1)
                data-testid="bpw-feedback-up"
                aria-label=tr(Key::GoodAnswer)
                aria-pressed=move || (vote.get() == Some(1)).to_string()
                disabled=move || vote.get().is_some()
                on:click=move |_| cast(1)
            >
                "👍"
            </button>
            <button
                type="button"
                class="bpw-feedback-down"
                class:bpw-selected=move || vote.get() == Some(-1)
                data-testid="bpw-feedback-down"
                aria-label=tr(Key::BadAnswer)
                aria-pressed=move || (vote.get() == Some(-1)).to_string()
                disabled=move || vote.get().is_some()
                on:click=move |_| cast(-1)
            >
                "👎"
            </button>
        </div>
    }
}
