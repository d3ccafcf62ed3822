//! Formats with a parser in sprout, read by it: JSON, TOML, YAML and XML.

use super::{Piece, code, text};

pub(super) fn json_pieces(value: &serde_json::Value, out: &mut Vec<Piece>) {
    use serde_json::Value as V;
    match value {
        V::String(s) => text(out, s.clone()),
        V::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| json_pieces(v, out));
            code(out, "]");
        }
        V::Object(map) => {
            code(out, "{");
            for (k, v) in map {
                text(out, k.clone());
                code(out, ":");
                json_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &other.to_string()),
    }
}

pub(super) fn toml_pieces(value: &toml::Value, out: &mut Vec<Piece>) {
    use toml::Value as V;
    match value {
        V::String(s) => text(out, s.clone()),
        V::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| toml_pieces(v, out));
            code(out, "]");
        }
        V::Table(table) => {
            code(out, "{");
            for (k, v) in table {
                text(out, k.clone());
                code(out, "=");
                toml_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &other.to_string()),
    }
}

pub(super) fn yaml_pieces(value: &yaml_rust2::Yaml, out: &mut Vec<Piece>) {
    use yaml_rust2::Yaml as Y;
    match value {
        Y::String(s) => text(out, s.clone()),
        Y::Array(items) => {
            code(out, "[");
            items.iter().for_each(|v| yaml_pieces(v, out));
            code(out, "]");
        }
        Y::Hash(map) => {
            code(out, "{");
            for (k, v) in map {
                yaml_pieces(k, out);
                code(out, ":");
                yaml_pieces(v, out);
            }
            code(out, "}");
        }
        other => code(out, &format!("{other:?}")),
    }
}

pub(super) fn xml_pieces(source: &str, out: &mut Vec<Piece>) -> Result<(), String> {
    use quick_xml::events::Event;
    if let Some((at, message)) = crate::template::structured::xml_fault(source) {
        return Err(format!("{message} (at byte {at})"));
    }
    let mut reader = quick_xml::Reader::from_str(source);
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) | Event::Empty(e) => {
                code(out, &format!("<{}", lossy(e.name().0)));
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| e.to_string())?;
                    code(out, &lossy(attr.key.0));
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?;
                    text(out, value.into_owned());
                }
                code(out, ">");
            }
            Event::End(e) => code(out, &format!("</{}>", lossy(e.name().0))),
            Event::Text(t) => out.push(Piece::Text(t.xml10_content().into_owned())),
            Event::GeneralRef(r) => {
                let name = lossy(&*r);
                let reference = format!("&{name};");
                let resolved = quick_xml::escape::unescape(&reference)
                    .map_err(|e| e.to_string())?
                    .into_owned();
                out.push(Piece::Text(resolved));
            }
            Event::CData(t) => out.push(Piece::Text(lossy(&*t))),
            Event::Comment(t) => text(out, lossy(&*t)),
            Event::Eof => break,
            _ => code(out, "<?>"),
        }
    }
    Ok(())
}

fn lossy<B: AsRef<[u8]> + ?Sized>(bytes: &B) -> String {
    String::from_utf8_lossy(bytes.as_ref()).into_owned()
}
