//! Rules of the `reproducibility` category. One file per rule; one line per rule in `RULES`.

use super::Rule;

pub mod base_image_outside_fleet_set;
pub mod latest_base_image_tag;
pub mod untagged_base_image;

/// Every rule of this category.
pub static RULES: &[&dyn Rule] = &[
    &untagged_base_image::UntaggedBaseImage,
    &latest_base_image_tag::LatestBaseImageTag,
    &base_image_outside_fleet_set::BaseImageOutsideFleetSet,
];
