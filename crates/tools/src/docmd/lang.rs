//! Code block languages: the platform's numbers (docx `style.language`) and their names.

/// (number, name) pairs; the name is what a fence's info string says, lower case.
const LANGS: &[(u32, &str)] = &[
    (1, "plaintext"),
    (2, "abap"),
    (3, "ada"),
    (4, "apache"),
    (5, "apex"),
    (6, "assembly"),
    (7, "bash"),
    (8, "csharp"),
    (9, "cpp"),
    (10, "c"),
    (11, "cobol"),
    (12, "css"),
    (13, "coffeescript"),
    (14, "d"),
    (15, "dart"),
    (16, "delphi"),
    (17, "django"),
    (18, "dockerfile"),
    (19, "erlang"),
    (20, "fortran"),
    (21, "foxpro"),
    (22, "go"),
    (23, "groovy"),
    (24, "html"),
    (25, "htmlbars"),
    (26, "http"),
    (27, "haskell"),
    (28, "json"),
    (29, "java"),
    (30, "javascript"),
    (31, "julia"),
    (32, "kotlin"),
    (33, "latex"),
    (34, "lisp"),
    (35, "logo"),
    (36, "lua"),
    (37, "matlab"),
    (38, "makefile"),
    (39, "markdown"),
    (40, "nginx"),
    (41, "objectivec"),
    (42, "openedgeabl"),
    (43, "php"),
    (44, "perl"),
    (45, "postscript"),
    (46, "powershell"),
    (47, "prolog"),
    (48, "protobuf"),
    (49, "python"),
    (50, "r"),
    (51, "rpg"),
    (52, "ruby"),
    (53, "rust"),
    (54, "sas"),
    (55, "scss"),
    (56, "sql"),
    (57, "scala"),
    (58, "scheme"),
    (59, "scratch"),
    (60, "shell"),
    (61, "swift"),
    (62, "thrift"),
    (63, "typescript"),
    (64, "vbscript"),
    (65, "vb"),
    (66, "xml"),
    (67, "yaml"),
    (68, "cmake"),
    (69, "diff"),
    (70, "gherkin"),
    (71, "graphql"),
    (72, "glsl"),
    (73, "properties"),
    (74, "solidity"),
    (75, "toml"),
];

/// Other names people write in fences.
const ALIASES: &[(&str, &str)] = &[
    ("sh", "bash"),
    ("zsh", "shell"),
    ("console", "shell"),
    ("js", "javascript"),
    ("ts", "typescript"),
    ("py", "python"),
    ("rs", "rust"),
    ("c++", "cpp"),
    ("cs", "csharp"),
    ("c#", "csharp"),
    ("yml", "yaml"),
    ("md", "markdown"),
    ("golang", "go"),
    ("kt", "kotlin"),
    ("rb", "ruby"),
    ("text", "plaintext"),
    ("txt", "plaintext"),
    ("plain", "plaintext"),
    ("objc", "objectivec"),
    ("ps1", "powershell"),
    ("proto", "protobuf"),
    ("tex", "latex"),
];

/// The number for a fence's info string (its first word); plain text when unknown.
pub fn number(info: &str) -> u32 {
    let word = info
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = ALIASES
        .iter()
        .find(|(a, _)| *a == word)
        .map(|(_, n)| *n)
        .unwrap_or(word.as_str());
    LANGS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(i, _)| *i)
        .unwrap_or(1)
}

/// The fence name for a number; empty for plain text.
pub fn name(n: u32) -> &'static str {
    match n {
        1 => "",
        _ => LANGS
            .iter()
            .find(|(i, _)| *i == n)
            .map(|(_, s)| *s)
            .unwrap_or(""),
    }
}
