//! Letters: minijinja templates in the packs (deletion requests, police reports, warnings to
//! friends and family), filled from answers and the evidence journal.

use minijinja::{Environment, UndefinedBehavior};

/// The template environment letters render in. Undefined variables are errors, so a letter
/// can never go out with a blank where a fact should be.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_keep_trailing_newline(true);
    env
}

/// Checks that a template compiles (used when a pack is validated).
pub fn check_template(source: &str) -> Result<(), String> {
    environment()
        .template_from_str(source)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Renders a template with the given context.
pub fn render(source: &str, context: &serde_json::Value) -> Result<String, String> {
    let env = environment();
    let template = env.template_from_str(source).map_err(|e| e.to_string())?;
    template.render(context).map_err(|e| {
        let mut msg = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            source = s.source();
        }
        msg
    })
}
