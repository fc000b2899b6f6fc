//! The trait impls of the generated open sets and tagged unions, written
//! once here; each generated type invokes the macro with its own variants.

/// `as_str`, `KNOWN`, conversions from strings, `Display`, and serde for an
/// open set: an enum of unit variants plus `Other(String)`.
macro_rules! open_enum {
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// Every value known when this crate was generated.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),*];

            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Other(value) => value.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                // Looked up in a table rather than matched: a `match` on
                // strings compiles one comparison per value, per set.
                const WIRES: &[&str] = &[$($value),*];
                crate::decode::position(WIRES, value)
                    .and_then(|known| Self::KNOWN.get(known))
                    .cloned()
                    .unwrap_or_else(|| Self::Other(value.to_string()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Other(_) => Self::Other(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
pub(crate) use open_enum;

/// `tag` and serde for a tagged union: an enum of one-field variants, chosen
/// by the value of `$property`, plus `Other(serde_json::Value)`. The optional
/// `untagged` variant is chosen when the property is absent.
macro_rules! tagged_union {
    (
        $name:ident, $property:literal,
        { $($variant:ident => $tag:literal $(| $alias:literal)*),* $(,)? }
        $(, untagged = $untagged:ident)?
    ) => {
        impl $name {
            /// The member's tag, as its discriminator field holds it.
            pub fn tag(&self) -> &str {
                match self {
                    $(Self::$variant(_member) => {
                        crate::impls::member_tag!(_member, $property, $tag, [$($alias),*])
                    })*
                    Self::Other(value) => value.get($property).and_then(|t| t.as_str()).unwrap_or(""),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => value.serialize(serializer),)*
                    Self::Other(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a `", stringify!($name), "` object"))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, map: A) -> ::std::result::Result<$name, A::Error> {
                        const KNOWN: &[&str] = &[$($tag, $($alias,)*)*];
                        let fields = crate::impls::Tagged::read(map, $property)?;
                        if !fields.in_order() && fields.tag().is_some_and(|tag| KNOWN.contains(&tag)) {
                            return fields.reordered::<$name>();
                        }
                        match fields.tag() {
                            $(Some($tag $(| $alias)*) => fields.member().map($name::$variant),)*
                            $(None => fields.untagged_member().map($name::$untagged),)?
                            _ => fields.into_value().map($name::Other),
                        }
                    }
                }
                deserializer.deserialize_map(Visitor)
            }
        }
    };
}
pub(crate) use tagged_union;

/// The tag a member of a tagged union holds: `tag`, unless the member also
/// takes other tags, in which case its own field says which. Written as a
/// macro so that a member without aliases compiles to the literal alone: the
/// look into the member's JSON is compiled only for the few that need it.
macro_rules! member_tag {
    ($member:expr, $property:expr, $tag:literal, []) => {
        $tag
    };
    ($member:expr, $property:expr, $tag:literal, [$($alias:literal),+]) => {
        crate::impls::aliased_member_tag($member, $property, $tag, &[$($alias),+])
    };
}
pub(crate) use member_tag;

/// [`member_tag!`] for a member that takes other tags (`aliases`) too.
pub(crate) fn aliased_member_tag<T: serde::Serialize>(
    member: &T,
    property: &str,
    tag: &'static str,
    aliases: &[&'static str],
) -> &'static str {
    let held = crate::json::to_value(member).ok();
    let held = held
        .as_ref()
        .and_then(|m| m.get(property))
        .and_then(|t| t.as_str());
    aliases
        .iter()
        .copied()
        .find(|alias| Some(*alias) == held)
        .unwrap_or(tag)
}

/// The fields of a tagged union's object, read up to its tag: the member is
/// then decoded from the rest of the input, without a detour through a JSON
/// tree. The API writes the tag first, so in the usual case nothing but the
/// tag is held; fields before it are kept as JSON.
pub(crate) struct Tagged<'de, A> {
    property: &'static str,
    /// Borrowed from the input when it can be (no escapes in it).
    tag: Option<std::borrow::Cow<'de, str>>,
    /// Fields read before the tag.
    before: Vec<(String, serde_json::Value)>,
    /// The tag's field, replayed after them.
    tag_pending: bool,
    rest: A,
    /// The tag, once its key has been handed out again.
    value: Option<std::borrow::Cow<'de, str>>,
}

/// The tag, given back to the member as the string it was (also where the
/// member holds it as an `Option`, as a member that may omit it does).
struct TagDeserializer<'de, E> {
    tag: std::borrow::Cow<'de, str>,
    error: std::marker::PhantomData<E>,
}

impl<'de, E: serde::de::Error> serde::Deserializer<'de> for TagDeserializer<'de, E> {
    type Error = E;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.tag {
            std::borrow::Cow::Borrowed(tag) => visitor.visit_borrowed_str(tag),
            std::borrow::Cow::Owned(tag) => visitor.visit_string(tag),
        }
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_some(self)
    }

    /// A one-value tag is a unit variant.
    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_enum(serde::de::value::CowStrDeserializer::new(self.tag))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

impl<'de, A: serde::de::MapAccess<'de>> Tagged<'de, A> {
    /// Reads `map` up to the field `property`.
    pub(crate) fn read(mut map: A, property: &'static str) -> Result<Self, A::Error> {
        let mut before = Vec::new();
        let mut tag = None;
        // Keys and the tag borrowed from the input: serde's own `Cow<str>`
        // always allocates.
        while let Some(key) = map.next_key::<crate::decode::Key<'de>>()? {
            if key.as_str() == property {
                tag = Some(map.next_value::<crate::decode::Key<'de>>()?.into_cow());
                break;
            }
            before.push((key.into_string(), map.next_value::<serde_json::Value>()?));
        }
        Ok(Self {
            property,
            tag_pending: tag.is_some(),
            tag,
            before,
            rest: map,
            value: None,
        })
    }

    /// The tag, when the object has one.
    pub(crate) fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Whether the tag came first, as the API writes it (or the object has
    /// no tag): the member is then decoded from the rest of the input.
    pub(crate) fn in_order(&self) -> bool {
        self.before.is_empty() || self.tag.is_none()
    }

    /// The member `T`, decoded from the rest of the input; the tag must
    /// have come first ([`Self::in_order`]).
    pub(crate) fn member<T: serde::de::DeserializeOwned>(self) -> Result<T, A::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(self))
    }

    /// The union `U` again, from the object rewritten with its tag first:
    /// fields came before the tag, which the API does not write. Decoding
    /// the rewritten bytes goes through the same code as the usual case, so
    /// no member's decoder is compiled a second time for this one (replaying
    /// the fields as JSON trees would compile each for `serde_json::Value`).
    pub(crate) fn reordered<U: serde::de::DeserializeOwned>(mut self) -> Result<U, A::Error> {
        use serde::de::Error as _;
        let mut bytes = Vec::with_capacity(256);
        let mut write = |key: &str, value: &serde_json::Value| -> serde_json::Result<()> {
            bytes.push(if bytes.is_empty() { b'{' } else { b',' });
            serde_json::to_writer(&mut bytes, key)?;
            bytes.push(b':');
            serde_json::to_writer(&mut bytes, value)
        };
        let tag = serde_json::Value::String(self.tag.take().unwrap_or_default().into_owned());
        write(self.property, &tag).map_err(A::Error::custom)?;
        for (key, value) in std::mem::take(&mut self.before) {
            write(&key, &value).map_err(A::Error::custom)?;
        }
        while let Some((key, value)) = self
            .rest
            .next_entry::<crate::decode::Key<'de>, serde_json::Value>()?
        {
            write(key.as_str(), &value).map_err(A::Error::custom)?;
        }
        bytes.push(b'}');
        serde_json::from_slice(&bytes).map_err(A::Error::custom)
    }

    /// The member chosen when the tag is absent: every field was read
    /// looking for it, so the member is decoded from them.
    pub(crate) fn untagged_member<T: serde::de::DeserializeOwned>(self) -> Result<T, A::Error> {
        use serde::de::Error as _;
        if self.before.is_empty() {
            return self.member();
        }
        let value = self.into_value()?;
        crate::json::from_value(&value).map_err(A::Error::custom)
    }

    /// Every field, as one JSON object: a member this crate does not know.
    pub(crate) fn into_value(mut self) -> Result<serde_json::Value, A::Error> {
        let mut object = serde_json::Map::new();
        object.extend(std::mem::take(&mut self.before));
        if let Some(tag) = self.tag.take() {
            object.insert(
                self.property.to_string(),
                serde_json::Value::String(tag.into_owned()),
            );
        }
        while let Some((key, value)) = self.rest.next_entry::<String, serde_json::Value>()? {
            object.insert(key, value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for Tagged<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        use serde::de::IntoDeserializer;
        if self.tag_pending {
            self.tag_pending = false;
            self.value = self.tag.take();
            let key: serde::de::value::StrDeserializer<'_, A::Error> =
                self.property.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        self.rest.next_key_seed(seed)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        match self.value.take() {
            Some(tag) => seed.deserialize(TagDeserializer {
                tag,
                error: std::marker::PhantomData,
            }),
            None => self.rest.next_value_seed(seed),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq)]
    enum Colour {
        Red,
        DarkGreen,
        Other(String),
    }
    super::open_enum!(Colour { Red => "red", DarkGreen => "dark-green" });

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Circle {
        r#type: String,
        radius: f64,
    }

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Custom {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        r#type: Option<String>,
        name: String,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Shape {
        Circle(Circle),
        Custom(Custom),
        Other(serde_json::Value),
    }
    super::tagged_union!(Shape, "type", { Circle => "circle", Custom => "custom" }, untagged = Custom);

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    enum SquareKind {
        #[serde(rename = "square")]
        Square,
    }

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Square {
        #[serde(rename = "type")]
        kind: SquareKind,
        side: f64,
        label: Option<String>,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Figure {
        Square(Square),
        Other(serde_json::Value),
    }
    super::tagged_union!(Figure, "type", { Square => "square" });

    #[test]
    fn a_member_is_decoded_from_the_input_whatever_the_field_order() {
        // The tag first (as the API writes it), last, in the middle; the
        // member holds it as an enum.
        for text in [
            r#"{"type":"square","side":2.0,"label":"a"}"#,
            r#"{"side":2.0,"label":"a","type":"square"}"#,
            r#"{"side":2.0,"type":"square","label":"a"}"#,
        ] {
            let figure: Figure = serde_json::from_str(text).expect("a square");
            assert_eq!(
                figure,
                Figure::Square(Square {
                    kind: SquareKind::Square,
                    side: 2.0,
                    label: Some("a".into())
                }),
                "{text}"
            );
        }
        // An unknown member keeps every field, those after the tag included.
        let unknown: Figure =
            serde_json::from_str(r#"{"side":1,"type":"hexagon","corners":6}"#).expect("kept");
        assert_eq!(unknown.tag(), "hexagon");
        assert_eq!(
            unknown,
            Figure::Other(json!({"side": 1, "type": "hexagon", "corners": 6}))
        );
        // Inside a list, and a member's own bad field is an error.
        let figures: Vec<Figure> =
            serde_json::from_str(r#"[{"type":"square","side":1.0,"label":null}]"#).expect("a list");
        assert_eq!(figures.len(), 1);
        assert!(serde_json::from_str::<Figure>(r#"{"type":"square","side":"wide"}"#).is_err());
    }

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Finder {
        r#type: String,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Tool {
        Finder(Finder),
        Other(serde_json::Value),
    }
    super::tagged_union!(Tool, "type", { Finder => "finder_20251119" | "finder" });

    #[test]
    fn a_member_with_several_tags_is_read_from_each_and_tells_which_it_holds() {
        for tag in ["finder_20251119", "finder"] {
            let json = json!({"type": tag});
            let tool: Tool = serde_json::from_value(json.clone()).expect("a finder");
            assert!(matches!(&tool, Tool::Finder(f) if f.r#type == tag), "{tag}");
            assert_eq!(tool.tag(), tag);
            assert_eq!(serde_json::to_value(&tool).expect("serializes"), json);
        }
        let other: Tool = serde_json::from_value(json!({"type": "finder_2026"})).expect("kept");
        assert_eq!(other.tag(), "finder_2026");
        assert!(matches!(other, Tool::Other(_)));
    }

    #[test]
    fn open_enum_round_trips_known_and_unknown_values() {
        assert_eq!(Colour::from("dark-green"), Colour::DarkGreen);
        assert_eq!(Colour::from("blue"), Colour::Other("blue".into()));
        assert_eq!(Colour::KNOWN, &[Colour::Red, Colour::DarkGreen]);
        for (value, json) in [
            (Colour::Red, json!("red")),
            (Colour::Other("blue".into()), json!("blue")),
        ] {
            assert_eq!(serde_json::to_value(&value).expect("serializes"), json);
            assert_eq!(
                serde_json::from_value::<Colour>(json).expect("decodes"),
                value
            );
        }
        assert_eq!("dark-green".parse::<Colour>(), Ok(Colour::DarkGreen));
        assert_eq!(Colour::Other("x".into()).to_string(), "x");
    }

    #[test]
    fn tagged_union_dispatches_keeps_unknown_members_and_falls_back_when_untagged() {
        let circle = json!({"type": "circle", "radius": 2.0});
        let shape: Shape = serde_json::from_value(circle.clone()).expect("a circle");
        assert!(matches!(&shape, Shape::Circle(c) if c.radius == 2.0));
        assert_eq!(shape.tag(), "circle");
        assert_eq!(serde_json::to_value(&shape).expect("serializes"), circle);

        let unknown = json!({"type": "hexagon", "side": 1, "extra": [1, 2]});
        let shape: Shape = serde_json::from_value(unknown.clone()).expect("kept");
        assert_eq!(shape, Shape::Other(unknown.clone()));
        assert_eq!(shape.tag(), "hexagon");
        assert_eq!(serde_json::to_value(&shape).expect("serializes"), unknown);

        let untagged: Shape = serde_json::from_value(json!({"name": "n"})).expect("the fallback");
        assert!(matches!(untagged, Shape::Custom(ref c) if c.name == "n"));

        // A known tag with the wrong shape is an error, not `Other`.
        assert!(serde_json::from_value::<Shape>(json!({"type": "circle"})).is_err());
    }
}
