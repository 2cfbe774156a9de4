//! The platform's emoji types. They are case-sensitive (`THUMBSUP` but `Typing`), and models
//! often get the case wrong, so a wrong case is caught here with the right spelling.

pub use lark::model::emoji::{EMOJI_TYPES, wrong_case};

/// The document's list, for an error about an unknown emoji.
pub const DOC_LIST: &str = "MUSCLE, SaluteFace, STRIVE, GoGoGo, FACEPALM, LOL, NOSEPICK, DULL, GLANCE, INNOCENTSMILE, ENOUGH, SWEAT, SLIGHT, SMIRK, FullMoonFace, WITTY, SMART, SCOWL, FROWN, WHAT, FINGERHEART, APPLAUSE, SMOOCH, DROOL, HIGHFIVE, JIAYI, THUMBSUP, PROUD, WINK, CRY, COMFORT, SHOCKED, PETRIFIED, TERROR, YAWN, SICK, Sigh, Typing, OneSecond, OnIt, EatingFood, DONE, No, CrossMark, MinusOne, POOP, ClownFace";
