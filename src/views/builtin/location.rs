//! `location`: a link to the place on OpenStreetMap (no map script is loaded).

use leptos::prelude::*;

use crate::views::convert::Location;

/// The OpenStreetMap URL for a location.
pub fn map_url(l: &Location) -> String {
    format!(
        "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}",
        lat = l.latitude,
        lon = l.longitude
    )
}

/// A location message.
#[component]
pub fn LocationView(
    /// The place.
    location: Location,
) -> impl IntoView {
    let href = map_url(&location);
    let coords = format!("{}, {}", location.latitude, location.longitude);
    let heading = location
        .title
        .clone()
        .or_else(|| location.address.clone())
        .unwrap_or_else(|| coords.clone());
    let detail = if location.title.is_some() {
        location.address.clone()
    } else {
        None
    };
    let label = crate::views::trf(crate::i18n::Key::OpenMap, &[("name", &heading)]);
    view! {
        <a
            class="bpw-location"
            href=href
            target="_blank"
            rel="noopener noreferrer"
            data-testid="bpw-location-link"
            title=label
        >
            <span class="bpw-location-title">{heading}</span>
            {detail.map(|d| view! { <span class="bpw-location-address">{d}</span> })}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osm_link() {
        let l = Location {
            latitude: 45.5,
            longitude: -73.25,
            address: None,
            title: None,
        };
        assert_eq!(
            map_url(&l),
            "https://www.openstreetmap.org/?mlat=45.5&mlon=-73.25#map=16/45.5/-73.25"
        );
    }
}
