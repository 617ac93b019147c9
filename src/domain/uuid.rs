//! Synerise's fourth identifier of a person: a UUID.

/// A UUID as Synerise writes it (`8-4-4-4-12` hexadecimal digits), kept in lower case.
pub fn parse(given: &str) -> Result<String, String> {
    let groups: Vec<&str> = given.split('-').collect();
    let shape = [8, 4, 4, 4, 12];
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip(shape)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if !ok {
        return Err(format!(
            "uuid {:?} is not a UUID such as 0b5c1e9e-93d4-4d57-a3f1-6a6f0c0b2f1d",
            given.chars().take(40).collect::<String>()
        ));
    }
    Ok(given.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_uuid_is_read_in_any_case_and_nothing_else_is() {
        assert_eq!(
            super::parse("0B5C1E9E-93D4-4D57-A3F1-6A6F0C0B2F1D").unwrap(),
            "0b5c1e9e-93d4-4d57-a3f1-6a6f0c0b2f1d"
        );
        for bad in [
            "0b5c1e9e93d44d57a3f16a6f0c0b2f1d",
            "0b5c1e9e-93d4-4d57-a3f1-6a6f0c0b2f1",
            "zb5c1e9e-93d4-4d57-a3f1-6a6f0c0b2f1d",
            "",
        ] {
            assert!(
                super::parse(bad).unwrap_err().contains("is not a UUID"),
                "{bad}"
            );
        }
    }
}
