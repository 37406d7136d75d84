//! Team review: how far coders agree ([`agreement`], counting units in [`units`], with the
//! coefficient maths in [`reliability`], [`chance`], [`pairs`] and [`bootstrap`], unitizing alphas
//! in [`unitizing`] and [`unitizing_family`]), where they
//! differ ([`compare`], and segment by segment in [`overlap`]), bringing a colleague's project
//! in ([`merge`]), and the review workflow of codes: status, comment threads and the review
//! queue ([`review`]).
//!
//! Everything here is headless; the CLI (`fieldcode agreement`, `segment-agreement`,
//! `disagreements`, `merge`, `comment`, `comments`, `review-queue`) and the GUI call these
//! functions.

pub mod agreement;
pub mod bootstrap;
pub mod chance;
pub mod coefficients;
pub mod compare;
pub mod intervals;
pub mod merge;
pub mod methods_text;
pub mod overlap;
pub mod pairs;
pub mod reliability;
pub mod resolve;
pub mod review;
pub mod scope;
pub mod unitizing;
pub mod unitizing_family;
pub mod units;

pub use agreement::{AgreementReport, AgreementRequest, Unit, agreement};
pub use compare::{Disagreement, DisagreementRequest, disagreements};
pub use resolve::{Resolution, resolution_command};
