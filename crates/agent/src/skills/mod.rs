//! Skills, as OpenClaw loads them: folders holding a `SKILL.md` whose YAML front matter gives
//! `name`, `description` and optional `metadata`. The system prompt lists each skill's name,
//! description and path; the model reads the whole file with `read` when a task needs it, so
//! a prompt never carries every skill's body.
//!
//! Folders are scanned at each turn (a skill added while the gateway runs is offered at once),
//! lowest precedence first: the skills we ship, `agent.skills.dirs`, `<state>/skills/`,
//! `<workspace>/skills/`. A later skill of the same name replaces an earlier one, so a user's
//! skill replaces ours.

pub mod lark;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Front matter larger than this is not read (a skill's head is a few lines).
const HEAD_MAX: u64 = 16 * 1024;

/// One skill found on disk.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skill {
    pub name: String,
    pub description: String,
    /// The `SKILL.md` file.
    pub path: PathBuf,
}

/// A skill we ship, written to disk at start so `read` can open it like any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedSkill {
    pub name: String,
    /// The whole `SKILL.md`, front matter included.
    pub text: String,
}

/// Where skills come from and which are enabled.
#[derive(Debug, Clone)]
pub struct SkillSources {
    /// Folders of skill folders, lowest precedence first.
    pub dirs: Vec<PathBuf>,
    /// `agent.skills.enabled`: only these names; `None`: all.
    pub enabled: Option<Vec<String>>,
    /// Names never offered (OpenClaw's `skills.entries.<name>.enabled: false`).
    pub disabled: Vec<String>,
}

impl SkillSources {
    /// Writes the shipped skills under `shipped_dir` (only when their text changed) and returns
    /// the sources with that folder first.
    pub fn with_shipped(
        shipped_dir: &Path,
        shipped: &[ShippedSkill],
        dirs: Vec<PathBuf>,
        enabled: Option<Vec<String>>,
    ) -> SkillSources {
        for s in shipped {
            let file = shipped_dir.join(&s.name).join("SKILL.md");
            if std::fs::read_to_string(&file).ok().as_deref() == Some(s.text.as_str()) {
                continue;
            }
            let written = std::fs::create_dir_all(file.parent().unwrap_or(shipped_dir))
                .and_then(|()| std::fs::write(&file, &s.text));
            if let Err(e) = written {
                tracing::warn!(target: "agent", "cannot write the skill {} to {}: {e}", s.name, file.display());
            }
        }
        let mut all = Vec::with_capacity(dirs.len() + 1);
        if !shipped.is_empty() {
            all.push(shipped_dir.to_owned());
        }
        all.extend(dirs);
        SkillSources {
            dirs: all,
            enabled,
            disabled: Vec::new(),
        }
    }

    /// Every enabled skill, by name, the highest-precedence copy of each; `only` (a group's
    /// `skills`) narrows them further.
    pub fn load(&self, only: Option<&[String]>) -> Vec<Skill> {
        let mut by_name: BTreeMap<String, Skill> = BTreeMap::new();
        for dir in &self.dirs {
            for skill in scan(dir) {
                by_name.insert(skill.name.clone(), skill);
            }
        }
        let keep = |name: &str, list: Option<&[String]>| {
            list.is_none_or(|l| l.iter().any(|n| n.trim() == name))
        };
        by_name
            .into_values()
            .filter(|s| keep(&s.name, self.enabled.as_deref()) && keep(&s.name, only))
            .filter(|s| !self.disabled.iter().any(|n| n.trim() == s.name))
            .collect()
    }
}

/// The skills directly under `dir` (each a folder with a `SKILL.md`), in name order.
fn scan(dir: &Path) -> Vec<Skill> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("SKILL.md").is_file())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .filter_map(|folder| {
            let file = folder.join("SKILL.md");
            let head = read_head(&file)?;
            let fallback = folder.file_name()?.to_string_lossy().into_owned();
            match parse_front_matter(&head, &fallback) {
                Ok(s) => Some(Skill {
                    name: s.0,
                    description: s.1,
                    path: file,
                }),
                Err(e) => {
                    tracing::debug!(target: "agent", "skill {} skipped: {e}", file.display());
                    None
                }
            }
        })
        .collect()
}

fn read_head(file: &Path) -> Option<String> {
    let mut buf = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .take(HEAD_MAX)
        .read_to_end(&mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

#[derive(serde::Deserialize)]
struct FrontMatter {
    name: Option<String>,
    description: Option<String>,
}

/// `(name, description)` from a `SKILL.md`'s front matter; the name defaults to the folder's.
pub fn parse_front_matter(text: &str, fallback_name: &str) -> Result<(String, String), String> {
    let text = text.trim_start_matches('\u{feff}');
    let rest = text
        .strip_prefix("---")
        .ok_or("it does not start with YAML front matter (---)")?;
    let end = rest
        .find("\n---")
        .ok_or("its front matter is not closed with ---")?;
    let fm: FrontMatter =
        serde_yaml_ng::from_str(&rest[..end]).map_err(|e| format!("front matter: {e}"))?;
    let name = fm
        .name
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| fallback_name.to_owned());
    let description = fm
        .description
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|d| !d.is_empty())
        .ok_or("it has no description")?;
    Ok((name, description))
}

/// The system prompt's list of skills (empty without skills).
pub fn prompt_section(skills: &[Skill]) -> String {
    if skills.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "## Skills\n\nSkills are instructions for particular tasks, each in a SKILL.md file. \
         When a task matches a skill's description, first read that file with the `read` tool \
         (its path is given) and follow it; read only the skills you need.\n\n<available_skills>\n",
    );
    for s in skills {
        out.push_str(&format!(
            "<skill>\n<name>{}</name>\n<description>{}</description>\n<location>{}</location>\n</skill>\n",
            escape(&s.name),
            escape(&s.description),
            escape(&s.path.display().to_string())
        ));
    }
    out.push_str("</available_skills>");
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_gives_name_and_description() {
        let (n, d) = parse_front_matter(
            "---\nname: notes\ndescription: >\n  Take notes\n  well.\nmetadata: {a: 1}\n---\nbody",
            "dir",
        )
        .unwrap();
        assert_eq!((n.as_str(), d.as_str()), ("notes", "Take notes well."));
        let (n, _) = parse_front_matter("---\ndescription: x\n---\n", "folder").unwrap();
        assert_eq!(n, "folder");
        assert!(parse_front_matter("no front matter", "f").is_err());
        assert!(parse_front_matter("---\nname: a\n---\n", "f").is_err());
    }

    #[test]
    fn later_folders_replace_earlier_skills_and_filters_apply() {
        let root = tempfile::tempdir().unwrap();
        let write = |dir: &str, name: &str, desc: &str| {
            let d = root.path().join(dir).join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("SKILL.md"),
                format!("---\nname: {name}\ndescription: {desc}\n---\nbody of {name} in {dir}"),
            )
            .unwrap();
        };
        write("user", "lark-message", "the user's own");
        write("user", "notes", "notes");
        write("user", "broken", "");
        let shipped = ShippedSkill {
            name: "lark-message".into(),
            text: "---\nname: lark-message\ndescription: ours\n---\n".into(),
        };
        let sources = SkillSources::with_shipped(
            &root.path().join("shipped"),
            &[shipped],
            vec![root.path().join("user"), root.path().join("missing")],
            None,
        );
        let all = sources.load(None);
        let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["lark-message", "notes"]);
        assert_eq!(all[0].description, "the user's own");
        assert!(all[0].path.starts_with(root.path().join("user")));
        assert!(root.path().join("shipped/lark-message/SKILL.md").is_file());

        let only = sources.load(Some(&["notes".to_owned()]));
        assert_eq!(only.len(), 1);
        let enabled = SkillSources {
            enabled: Some(vec!["lark-message".into()]),
            ..sources
        };
        assert_eq!(enabled.load(Some(&["notes".to_owned()])).len(), 0);
        let off = SkillSources {
            enabled: None,
            disabled: vec!["notes".into()],
            ..enabled
        };
        let names: Vec<String> = off.load(None).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["lark-message"]);

        let p = prompt_section(&all);
        assert!(p.contains("<name>notes</name>") && p.contains("<description>notes</description>"));
        assert!(!p.contains("body of"));
    }
}
