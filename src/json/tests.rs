//! Tests of the JSON module: values, the macro, the parser, the printer and typed reads.

use super::*;

#[test]
fn macro_shapes() {
    assert_eq!(json!(null), Value::Null);
    assert_eq!(json!(true), Value::Bool(true));
    assert_eq!(json!(-3), Value::Number(-3.0));
    assert_eq!(json!(2.5), Value::Number(2.5));
    assert_eq!(json!("x"), Value::String("x".into()));
    assert_eq!(json!([]), Value::Array(vec![]));
    assert_eq!(json!({}), Value::Object(Map::new()));
    assert_eq!(
        json!([1, "a", null, [true], {"k": []},]),
        Value::Array(vec![
            Value::Number(1.0),
            Value::String("a".into()),
            Value::Null,
            Value::Array(vec![Value::Bool(true)]),
            Value::Object(
                [("k".to_string(), Value::Array(vec![]))]
                    .into_iter()
                    .collect()
            ),
        ])
    );
    // expressions: borrowed, not moved; method calls; options; vectors; nested values
    struct Item {
        title: String,
        payload: Value,
    }
    let item = Item {
        title: "T".into(),
        payload: json!({"a": 1}),
    };
    let me = &item;
    let n: Option<u32> = None;
    let list = vec!["x".to_string(), "y".to_string()];
    let v = json!({
        "title": me.title,
        "payload": me.payload,
        "len": me.title.len() + 1,
        "none": n,
        "some": Some(2u8),
        "list": list,
        "neg": -1.5,
        "nested": {"deep": [me.title.as_str(), {"x": null}]},
        "last": 1 + 2,
    });
    assert_eq!(item.title, "T", "the macro borrows");
    assert_eq!(
        v.to_string(),
        r#"{"title":"T","payload":{"a":1},"len":2,"none":null,"some":2,"list":["x","y"],"neg":-1.5,"nested":{"deep":["T",{"x":null}]},"last":3}"#
    );
    assert_eq!(json!([list, n]), json!([["x", "y"], null]));
}

#[test]
fn objects_keep_insertion_order_and_compare_as_sets() {
    let mut m = Map::new();
    assert!(m.is_empty());
    assert_eq!(m.insert("b".into(), json!(1)), None);
    m.insert("a".into(), json!(2));
    assert_eq!(m.insert("b".into(), json!(3)), Some(json!(1)));
    assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!(
        m.values().cloned().collect::<Vec<_>>(),
        [json!(3), json!(2)]
    );
    assert_eq!(m.len(), 2);
    assert!(m.contains_key("a") && !m.contains_key("c"));
    *m.entry("c").or_insert(json!(0)) = json!(9);
    *m.entry("b").or_insert(json!(0)) = json!(4);
    assert_eq!(Value::Object(m.clone()), json!({"a": 2, "b": 4, "c": 9}));
    assert_ne!(Value::Object(m.clone()), json!({"a": 2, "b": 4}));
    assert_ne!(Value::Object(m.clone()), json!({"a": 2, "b": 4, "c": 8}));
    assert_eq!(m.remove("b"), Some(json!(4)));
    assert_eq!(m.remove("b"), None);
    m.extend([("d".to_string(), json!(true)), ("a".to_string(), json!(5))]);
    assert_eq!(
        Value::Object(m.clone()).to_string(),
        r#"{"a":5,"c":9,"d":true}"#
    );
    for (_, v) in &mut m {
        *v = json!(0);
    }
    m.retain(|k, _| k != "c");
    let pairs: Vec<(String, Value)> = m.clone().into_iter().collect();
    assert_eq!(
        pairs,
        [("a".to_string(), json!(0)), ("d".to_string(), json!(0))]
    );
    assert_eq!(m["a"], json!(0));
    assert_eq!(m["zz"], Value::Null);
    assert_eq!(
        format!("{:?}", json!({"a": [1.5, "s", null, false]})),
        r#"Object({"a": Array([Number(1.5), String("s"), Null, Bool(false)])})"#
    );
}

#[test]
fn accessors_index_and_pointer() {
    let mut v = json!({"a": {"b": [10, {"c": "x"}]}, "s": "t", "f": 2.5, "n": -4, "t": true, "a/b": 1, "m~n": 2});
    assert_eq!(v["a"]["b"][1]["c"], "x");
    assert_eq!(v["missing"]["deeper"][3], Value::Null);
    assert_eq!(v["s"][0], Value::Null);
    assert_eq!(v.get("s").and_then(Value::as_str), Some("t"));
    assert_eq!(v["a"]["b"].get(0).and_then(Value::as_u64), Some(10));
    assert_eq!(v["a"]["b"].get(5), None);
    assert_eq!(v.get(0), None);
    assert_eq!(v["f"].as_f64(), Some(2.5));
    assert_eq!(v["f"].as_i64(), None);
    assert_eq!(v["n"].as_i64(), Some(-4));
    assert_eq!(v["n"].as_u64(), None);
    assert_eq!(json!(1e300).as_i64(), None);
    assert_eq!(v["t"].as_bool(), Some(true));
    assert!(v["t"].is_boolean() && v["n"].is_number() && v["s"].is_string());
    assert!(v["a"].is_object() && v["a"]["b"].is_array() && v["zz"].is_null());
    assert_eq!(v.pointer("/a/b/1/c"), Some(&json!("x")));
    assert_eq!(v.pointer("/a/b/01"), None);
    assert_eq!(v.pointer("/a/b/x"), None);
    assert_eq!(v.pointer("/a~1b"), Some(&json!(1)));
    assert_eq!(v.pointer("/m~0n"), Some(&json!(2)));
    // `~01` is `~1`, not `/`; a `~` not followed by 0 or 1 stays
    let tilde = json!({"~1": 5, "~": 6, "a~b": 7});
    assert_eq!(tilde.pointer("/~01"), Some(&json!(5)));
    assert_eq!(tilde.pointer("/~"), Some(&json!(6)));
    assert_eq!(tilde.pointer("/a~b"), Some(&json!(7)));
    assert_eq!(v.pointer(""), Some(&v));
    assert_eq!(v.pointer("a"), None);
    assert_eq!(v.pointer("/s/x"), None);
    assert_eq!(v.path(&["a", "b"]), v.pointer("/a/b"));
    assert_eq!(v.path(&["a/b"]), Some(&json!(1)));
    assert_eq!(v.path(&[]), Some(&v));
    assert_eq!(v.path(&["a", "b", "1"]), None, "object members only");
    assert_eq!(v.path(&["s", "x"]), None);
    assert_eq!(v.path(&["zz"]), None);
    v["new"] = json!([1]);
    v["a"]["b"][0] = json!(11);
    assert_eq!(v.pointer("/new/0"), Some(&json!(1)));
    assert_eq!(v["a"]["b"][0], 11.0);
    let mut null = Value::Null;
    null["k"] = json!("v");
    assert_eq!(null, json!({"k": "v"}));
    let taken = v["s"].take();
    assert_eq!((taken, &v["s"]), (json!("t"), &Value::Null));
    assert_eq!(v.as_object_mut().unwrap().remove("new"), Some(json!([1])));
    assert!(v.as_array_mut().is_none() && v.as_array().is_none());
    let mut list = json!([1, 2]);
    list.as_array_mut().unwrap().push(json!(3));
    list[0] = json!("one");
    assert_eq!(list, json!(["one", 2, 3]));
    assert_eq!(list.get_mut(1).map(Value::take), Some(json!(2)));
    assert_eq!(list, json!(["one", null, 3]));
    assert_eq!(Value::default(), Value::Null);
}

#[test]
#[should_panic(expected = "non-object")]
fn index_mut_on_a_non_object_panics() {
    let mut v = json!(3);
    v["k"] = json!(1);
}

#[test]
fn conversions_into_values() {
    assert_eq!(Value::from("a"), json!("a"));
    assert_eq!(Value::from(String::from("a")), json!("a"));
    assert_eq!(Value::from(&String::from("a")), json!("a"));
    assert_eq!(Value::from(7u64), json!(7));
    assert_eq!(Value::from(-7i32), json!(-7));
    assert_eq!(Value::from(0.5f32), json!(0.5));
    assert_eq!(Value::from(f64::NAN), Value::Null);
    assert_eq!(Value::from(f64::INFINITY), Value::Null);
    assert_eq!(Value::from(None::<bool>), Value::Null);
    assert_eq!(Value::from(Some("x")), json!("x"));
    assert_eq!(Value::from(vec![1, 2]), json!([1, 2]));
    assert_eq!(Value::from(Map::new()), json!({}));
    assert_eq!(["a", "b"].into_iter().collect::<Value>(), json!(["a", "b"]));
    assert_eq!(json!([1, 2]), Value::Array(vec![1.into(), 2.into()]));
}

#[test]
fn numbers_print_like_javascript() {
    for (n, text) in [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (-12.0, "-12"),
        (1_700_000_000_000.0, "1700000000000"),
        (9_007_199_254_740_991.0, "9007199254740991"),
        (2.5, "2.5"),
        (-0.125, "-0.125"),
        (0.1, "0.1"),
        (f64::NAN, "null"),
        (f64::NEG_INFINITY, "null"),
    ] {
        assert_eq!(number_to_string(n), text, "{text}");
    }
    assert_eq!(json!(1), parse("1.0").unwrap());
    assert_eq!(json!(1), parse("1e0").unwrap());
    assert_eq!(json!(100), parse("1E2").unwrap());
}

#[test]
fn numbers_parse_with_and_without_the_float_parser() {
    for (text, n) in [
        ("0", 0.0),
        ("-0", 0.0),
        ("42", 42.0),
        ("-42", -42.0),
        ("123456789012345", 123_456_789_012_345.0),
        ("12345678901234567890", 12_345_678_901_234_567_890.0),
        ("2.5", 2.5),
        ("-0.001", -0.001),
        ("6.02e23", 6.02e23),
        ("1e-7", 1e-7),
        ("5E+2", 500.0),
    ] {
        assert_eq!(parse(text).unwrap(), Value::Number(n), "{text}");
    }
    assert_eq!(
        parse("1e999").unwrap(),
        Value::Null,
        "out of range: like JSON.parse's Infinity, no JSON form"
    );
    for bad in [
        "01",
        "-",
        "1.",
        ".5",
        "+1",
        "1e",
        "1e+",
        "--1",
        "0x10",
        "1.2.3",
        "NaN",
        "Infinity",
        "-Infinity",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    // the lenient reader used for numbers in strings (bots send "45.5")
    for (text, n) in [
        ("45.5", 45.5),
        ("-73", -73.0),
        ("+1", 1.0),
        (".5", 0.5),
        ("7.", 7.0),
        ("1e3", 1000.0),
    ] {
        assert_eq!(parse_number(text), Some(n), "{text}");
    }
    for bad in [
        "", "-", ".", "e5", "1e", "1x", " 1", "inf", "NaN", "1.2.3", "0x1",
    ] {
        assert_eq!(parse_number(bad), None, "{bad:?}");
    }
}

#[test]
fn parses_valid_documents() {
    assert_eq!(
        parse(r#" {"a":[1,"x",null,true,false],"b":{"c":2.5},"e":{},"f":[]} "#).unwrap(),
        json!({"a": [1, "x", null, true, false], "b": {"c": 2.5}, "e": {}, "f": []})
    );
    assert_eq!(parse("\t\r\n null \n").unwrap(), Value::Null);
    assert_eq!(parse(r#""""#).unwrap(), json!(""));
    assert_eq!(
        parse(r#"{"k":1,"k":2}"#).unwrap(),
        json!({"k": 2}),
        "the last duplicate wins"
    );
    assert_eq!(
        parse(r#"{"b":1,"a":2}"#).unwrap().to_string(),
        r#"{"b":1,"a":2}"#
    );
}

#[test]
fn string_escapes_and_unicode() {
    assert_eq!(
        parse(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#).unwrap(),
        json!("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")
    );
    assert_eq!(parse(r#""\u00e9\u4E2D""#).unwrap(), json!("é中"));
    assert_eq!(parse(r#""é中😀""#).unwrap(), json!("é中😀"), "raw UTF-8");
    assert_eq!(
        parse(r#""\ud83d\ude00""#).unwrap(),
        json!("😀"),
        "surrogate pair"
    );
    assert_eq!(parse(r#""\uD83D\uDE00x""#).unwrap(), json!("😀x"));
    // lone surrogates become U+FFFD, as when a JS string reaches Rust
    assert_eq!(parse(r#""\ud83d""#).unwrap(), json!("\u{fffd}"));
    assert_eq!(parse(r#""\ud83dx""#).unwrap(), json!("\u{fffd}x"));
    assert_eq!(parse(r#""\ude00""#).unwrap(), json!("\u{fffd}"));
    assert_eq!(parse(r#""\ud83d\u0041""#).unwrap(), json!("\u{fffd}A"));
    assert_eq!(
        parse(r#""\ud83d\ud83d\ude00""#).unwrap(),
        json!("\u{fffd}😀")
    );
    for bad in [
        r#""\x""#,
        r#""\u12""#,
        r#""\u12g4""#,
        r#""\ud83d\uzzzz""#,
        "\"a\nb\"",
        "\"\u{1}\"",
        r#""abc"#,
        r#""\"#,
    ] {
        assert!(parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn rejects_invalid_documents() {
    for bad in [
        "",
        " ",
        "{",
        "}",
        "[",
        "]",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "[1 2]",
        "nul",
        "truee",
        "True",
        "null null",
        "{\"a\":}",
        "{\"a\"}",
        "[1]]",
        "\u{feff}1",
        "/* */1",
        "1 // c",
    ] {
        let err = parse(bad).expect_err(bad);
        assert!(!err.is_empty());
    }
    assert_eq!(parse("[1,]").unwrap_err(), "expected a value at byte 3");
    assert_eq!(
        parse("[1").unwrap_err(),
        "expected `,` or `]` at end of input"
    );
}

#[test]
fn nesting_is_limited_and_hostile_input_never_panics() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert!(parse(&deep).unwrap_err().contains("too deep"));
    let objects = "{\"a\":".repeat(100_000);
    assert!(parse(&objects).is_err());
    assert!(parse(&"[".repeat(1_000_000)).is_err());
    // every prefix and a sprinkling of mutations of a realistic document
    let doc = r#"{"id":"m1","payload":{"type":"text","text":"h\u00e9\ud83d\ude00 \"q\"","n":[1,-2.5e3,true,null]}}"#;
    for end in 0..doc.len() {
        if doc.is_char_boundary(end) {
            let _ = parse(&doc[..end]);
        }
    }
    let bytes = doc.as_bytes();
    for i in 0..bytes.len() {
        for b in [
            b'"', b'\\', b'{', b']', b',', b'0', b'-', b'e', b'u', 0x01, b' ',
        ] {
            let mut m = bytes.to_vec();
            m[i] = b;
            if let Ok(s) = std::str::from_utf8(&m) {
                let _ = parse(s);
            }
        }
    }
    assert!(parse(doc).is_ok());
}

#[test]
fn stringify_escapes_and_round_trips() {
    let v = json!({
        "q": "say \"hi\"\\ \n\r\t\u{8}\u{c}\u{1}\u{1f} é 中 😀 </script>",
        "n": [0, -1, 2.5, 1e21, 123456789],
        "e": [[], {}],
        "b": [true, false, null],
    });
    let text = stringify(&v);
    assert_eq!(
        text,
        "{\"q\":\"say \\\"hi\\\"\\\\ \\n\\r\\t\\b\\f\\u0001\\u001f é 中 😀 </script>\",\
         \"n\":[0,-1,2.5,1000000000000000000000,123456789],\"e\":[[],{}],\"b\":[true,false,null]}"
    );
    assert_eq!(parse(&text).unwrap(), v);
    assert_eq!(v.to_string(), text);
    assert_eq!(format!("{}", json!("x")), "\"x\"");
    for doc in [
        r#"{"a":{"b":{"c":[1,2,{"d":"e"}]}},"f":"\u0000"}"#,
        r#"["\ud83d\ude00",-0.5,1e-7]"#,
        "[]",
        "0",
    ] {
        let v = parse(doc).unwrap();
        assert_eq!(parse(&stringify(&v)).unwrap(), v, "{doc}");
    }
}

#[test]
fn list_fields_are_read_in_place() {
    let obj = json!({"l": ["a", "b"], "bad": ["a", 1], "n": null});
    let obj = object(&obj, "an object").unwrap();
    let mut items = vec!["old".to_string()];
    assert_eq!(set_items(obj, "zz", &mut items), Ok(()));
    assert_eq!(items, ["old"], "an absent field leaves the list alone");
    assert_eq!(set_items(obj, "l", &mut items), Ok(()));
    assert_eq!(items, ["a", "b"], "a present one replaces it");
    assert_eq!(
        set_items(obj, "bad", &mut items).unwrap_err(),
        "`bad`: invalid type: number `1`, expected a string"
    );
    assert_eq!(
        set_items(obj, "n", &mut Vec::<String>::new()).unwrap_err(),
        "`n`: invalid type: null, expected a sequence"
    );
}

#[test]
fn typed_reads() {
    assert_eq!(String::from_json(&json!("a")), Ok("a".to_string()));
    assert_eq!(
        String::from_json(&json!(null)).unwrap_err(),
        "invalid type: null, expected a string"
    );
    assert_eq!(
        bool::from_json(&json!("yes")).unwrap_err(),
        "invalid type: string \"yes\", expected a boolean"
    );
    assert_eq!(bool::from_json(&json!(false)), Ok(false));
    assert_eq!(f64::from_json(&json!(1.5)), Ok(1.5));
    assert!(f64::from_json(&json!("1.5")).is_err());
    assert_eq!(u16::from_json(&json!(401)), Ok(401));
    assert_eq!(u16::from_json(&parse("401.0").unwrap()), Ok(401));
    for bad in [json!(-1), json!(70000), json!(1.5), json!("1"), json!(true)] {
        assert!(u16::from_json(&bad).is_err(), "{bad}");
    }
    assert_eq!(u32::from_json(&json!(4_000_000_000u32)), Ok(4_000_000_000));
    assert_eq!(u64::from_json(&json!(0)), Ok(0));
    assert_eq!(Option::<String>::from_json(&json!(null)), Ok(None));
    assert_eq!(
        Option::<String>::from_json(&json!("x")),
        Ok(Some("x".into()))
    );
    assert!(Option::<String>::from_json(&json!(1)).is_err());
    assert_eq!(
        Vec::<String>::from_json(&json!(["a", "b"])),
        Ok(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        Vec::<String>::from_json(&json!(["a", 1])).unwrap_err(),
        "invalid type: number `1`, expected a string"
    );
    assert_eq!(
        Vec::<String>::from_json(&json!({})).unwrap_err(),
        "invalid type: map, expected a sequence"
    );
    assert_eq!(Value::from_json(&json!([1])), Ok(json!([1])));
    let obj = json!({"a": 1, "n": null, "s": "x"});
    let obj = object(&obj, "an object").unwrap();
    assert_eq!(field::<u32>(obj, "a"), Ok(Some(1)));
    assert_eq!(field::<u32>(obj, "zz"), Ok(None));
    assert_eq!(field::<Option<String>>(obj, "n"), Ok(Some(None)));
    assert_eq!(
        field::<u32>(obj, "s").unwrap_err(),
        "`s`: invalid type: string \"x\", expected u32"
    );
    assert_eq!(missing("id"), "missing field `id`");
    assert_eq!(
        object(&json!([]), "struct Message").unwrap_err(),
        "invalid type: sequence, expected struct Message"
    );
    assert_eq!(
        invalid(&json!(2.5), "x"),
        "invalid type: number `2.5`, expected x"
    );
    assert_eq!(
        invalid(&json!(false), "x"),
        "invalid type: boolean `false`, expected x"
    );
    assert_eq!(
        invalid(&json!(-3), "y"),
        "invalid type: number `-3`, expected y"
    );
}

#[test]
fn put_sets_like_insert() {
    let mut m = Map::new();
    m.put("a", Value::from(1));
    m.put("b", Value::from(2));
    m.put("a", Value::from(3));
    assert_eq!(Value::Object(m), json!({"a": 3, "b": 2}));
    // a repeated member in a literal keeps its first position and its last value, as before
    assert_eq!(
        json!({"x": 1, "y": null, "x": [2]}),
        json!({"x": [2], "y": null})
    );
}
