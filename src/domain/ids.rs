//! Row ids that must not be mixed up: a function that takes a profile and an agreement cannot be called
//! with the two swapped. Each wraps the 64-bit integer stored in its table.

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A person's profile (`profiles.id`).
    ProfileId
);
id!(
    /// An agreement (`agreements.id`).
    AgreementId
);
