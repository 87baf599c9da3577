//! `location`: a link to the place on OpenStreetMap (no map script is loaded).

use web_sys::Element;

use super::new_tab_link;
use crate::dom::E;
use crate::i18n::Key;
use crate::json;
use crate::text::concat;
use crate::views::convert::Location;
use crate::views::RenderCtx;

/// The OpenStreetMap URL for a location.
pub fn map_url(l: &Location) -> String {
    let (lat, lon) = coordinates(l);
    concat(&[
        "https://www.openstreetmap.org/?mlat=",
        &lat,
        "&mlon=",
        &lon,
        "#map=16/",
        &lat,
        "/",
        &lon,
    ])
}

/// Latitude and longitude as text, through [`json::number_to_string`] (formatting an `f64` directly
/// would link Rust's float formatter into the wasm).
fn coordinates(l: &Location) -> (String, String) {
    (
        json::number_to_string(l.latitude),
        json::number_to_string(l.longitude),
    )
}

/// A location message: the title (else the address, else the coordinates) and, under a title, the
/// address.
pub fn render(location: &Location, ctx: &RenderCtx) -> Element {
    let coords;
    let heading: &str = match (&location.title, &location.address) {
        (Some(title), _) => title,
        (None, Some(address)) => address,
        (None, None) => {
            let (lat, lon) = coordinates(location);
            coords = concat(&[&lat, ", ", &lon]);
            &coords
        }
    };
    let link = new_tab_link("bpw-location", &map_url(location))
        .testid("bpw-location-link")
        .attr("title", &ctx.trf(Key::OpenMap, &[("name", heading)]))
        .child(E::classed("span", "bpw-location-title").text(heading));
    match (&location.title, &location.address) {
        (Some(_), Some(address)) => {
            link.child(E::classed("span", "bpw-location-address").text(address))
                .0
        }
        _ => link.0,
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
        let whole = Location {
            latitude: 45.0,
            longitude: -73.0,
            ..l
        };
        assert_eq!(
            map_url(&whole),
            "https://www.openstreetmap.org/?mlat=45&mlon=-73#map=16/45/-73"
        );
    }
}
