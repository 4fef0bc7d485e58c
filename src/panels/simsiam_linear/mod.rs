//! Placeholder while the linear SimSiam panel is written.
