//! [`Field`]: a JSON field as a service sent it — absent, `null`, or a value — so that a
//! document read into a typed model is written back exactly as it came.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Field<T> {
    /// Not in the document (left out when written back).
    #[default]
    Absent,
    /// `null`.
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            Field::Absent | Field::Null => None,
        }
    }

    /// For `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

impl Field<String> {
    pub fn as_deref(&self) -> Option<&str> {
        self.get().map(String::as_str)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only called for a field that is present (`#[serde(default)]` gives `Absent`).
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Field::Value(v),
            None => Field::Null,
        })
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Value(v) => v.serialize(serializer),
            Field::Absent | Field::Null => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, Serialize)]
    struct Doc {
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        a: Field<String>,
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        b: Field<String>,
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        c: Field<String>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        let doc: Doc = serde_json::from_value(json!({"a": "x", "b": null})).unwrap();
        assert_eq!(doc.a.as_deref(), Some("x"));
        assert_eq!(doc.b, Field::Null);
        assert_eq!(doc.c, Field::Absent);
        assert_eq!(
            serde_json::to_value(&doc).unwrap(),
            json!({"a": "x", "b": null})
        );
        assert!(serde_json::from_value::<Doc>(json!({"a": 5})).is_err());
    }
}
