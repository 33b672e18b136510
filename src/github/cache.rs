//! An on-disk cache of GET answers with their ETags, so repeated requests are conditional
//! and their 304s cost no rate limit. One file per URL and token (the token itself is never
//! written: only a hash that tells tokens apart, so one user never sees another's answers).

use crate::auth::Token;
use std::path::PathBuf;

pub struct Cache {
    dir: PathBuf,
    who: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub etag: String,
    #[serde(with = "body")]
    pub body: Vec<u8>,
}

mod body {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&String::from_utf8_lossy(b))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        Ok(s.into_bytes())
    }
}

impl Cache {
    pub fn new(dir: PathBuf, token: Option<&Token>) -> Self {
        let who = match token {
            Some(t) => sha1_smol::Sha1::from(format!("contrib-cache:{}", t.expose()))
                .digest()
                .to_string()[..16]
                .to_string(),
            None => "anonymous".into(),
        };
        Self { dir, who }
    }

    fn path(&self, route: &str) -> PathBuf {
        let key = sha1_smol::Sha1::from(format!("{}\n{route}", self.who))
            .digest()
            .to_string();
        self.dir.join(&key[..2]).join(format!("{}.json", &key[2..]))
    }

    pub fn get(&self, route: &str) -> Option<Entry> {
        let text = std::fs::read(self.path(route)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Best effort: a cache that cannot be written only costs a full request next time.
    pub fn put(&self, route: &str, etag: &str, body: &[u8]) {
        let path = self.path(route);
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let entry = Entry {
            etag: etag.to_string(),
            body: body.to_vec(),
        };
        if let Ok(text) = serde_json::to_vec(&entry) {
            let tmp = path.with_extension("tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
    }
}
