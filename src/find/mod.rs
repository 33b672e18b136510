//! Finding good first issues that are really free: label spellings, claims, ranking.

pub mod claims;
pub mod labels;
pub mod verdict;
