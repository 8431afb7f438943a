//! End to end in a pseudo-terminal: the real binary driven with real keystrokes (arrows,
//! space, enter, typed dates, Ctrl-C), as a person would use it.

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession as Session;
use expectrl::{Expect, Regex};
use privaudit::answers::{Answer, Answers};
use privaudit::engine;
use privaudit::pack::model::{Pack, QuestionType};

const AS_OF: &str = "2026-03-10T09:00:00+08:00";
const DOWN: &str = "\x1b[B";

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
}

fn pack(id: &str) -> &'static Pack {
    privaudit::pack::builtin::pack(id).unwrap().unwrap()
}

fn spawn(state: &std::path::Path, args: &[&str]) -> Session {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("privaudit"));
    cmd.env_remove("LC_ALL")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .arg("--state-dir")
        .arg(state)
        .arg("--as-of")
        .arg(AS_OF)
        .args(args);
    let mut session = Session::spawn(cmd).expect("spawn in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    session
}

/// Answers the question on screen with keystrokes chosen by its type, and returns the
/// answer those keystrokes mean, so the test can predict what is asked next.
fn answer_on_screen(
    session: &mut Session,
    q: &privaudit::pack::model::Question,
    round: usize,
) -> Answer {
    session
        .expect(q.prompt.en.as_str())
        .unwrap_or_else(|e| panic!("prompt of `{}` not shown: {e}", q.id));
    match q.kind {
        QuestionType::YesNo => {
            // Alternate yes and no: both keys are exercised.
            let yes = round.is_multiple_of(2);
            session.send(if yes { "y" } else { "n" }).unwrap();
            Answer::Bool(yes)
        }
        QuestionType::Single => {
            // Arrow down once (when there is a second option), then enter.
            let pick = usize::from(q.options.len() > 1);
            if pick == 1 {
                session.send(DOWN).unwrap();
            }
            session.send("\r").unwrap();
            Answer::Text(q.options[pick].id.clone())
        }
        QuestionType::Multi => {
            // Space on the first option, arrow down twice, space, enter.
            session.send(" ").unwrap();
            let mut chosen = vec![q.options[0].id.clone()];
            if q.options.len() > 2 {
                session.send(DOWN).unwrap();
                session.send(DOWN).unwrap();
                session.send(" ").unwrap();
                chosen.push(q.options[2].id.clone());
            }
            session.send("\r").unwrap();
            Answer::Choices(chosen)
        }
        QuestionType::Date => {
            session.send("3 days ago\r").unwrap();
            Answer::Date(today() - chrono::Days::new(3))
        }
        QuestionType::Number => {
            session.send("2\r").unwrap();
            Answer::Number(2.0)
        }
        QuestionType::Text => {
            session.send("typed\r").unwrap();
            Answer::Text("typed".into())
        }
    }
}

/// Drives an interview to its end, checking that every question shows up in the order the
/// engine predicts from the answers typed so far.
fn drive(session: &mut Session, pack: &Pack, answers: &mut Answers) -> usize {
    let mut asked = 0;
    while let Some(q) = engine::pending_questions(pack, answers, today())
        .first()
        .copied()
    {
        let answer = answer_on_screen(session, q, asked);
        answers.insert(q.id.clone(), answer);
        asked += 1;
    }
    asked
}

/// The exit code, waiting at most 30 s: a run that does not end is a failure, not a hang.
fn exit_code(session: &mut Session) -> i32 {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match session.get_process().status().expect("status") {
            WaitStatus::Exited(_, code) => return code,
            WaitStatus::StillAlive if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => {
                let _ = session
                    .get_process_mut()
                    .kill(expectrl::process::unix::Signal::SIGKILL);
                panic!("the process did not exit normally: {other:?}");
            }
        }
    }
}

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_whole_respond_session_with_keystrokes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let mut session = spawn(
        &dir.path().join("state"),
        &[
            "respond",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut answers = Answers::new();
    let asked = drive(&mut session, pack("response"), &mut answers);
    assert!(asked >= 3);
    session.expect("Saved session").unwrap();
    assert_eq!(exit_code(&mut session), 0);
    let plan = read_json(&out);
    assert_eq!(
        plan["anchor_date"], "2026-03-07",
        "'3 days ago' typed as the discovery date"
    );
    let shown: Vec<&str> = plan["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["question"].as_str().unwrap())
        .collect();
    assert!(shown.contains(&"leaked_data") && shown.contains(&"jurisdiction"));
    // Single choices were answered with arrow-down + enter: the second option.
    assert_eq!(plan["jurisdiction"]["id"], "eu");
    let leaked = &plan["answers"][0]["value"];
    assert_eq!(leaked, &serde_json::json!(["id_number", "email"]));
}

#[test]
fn a_whole_audit_with_keystrokes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit.json");
    let mut session = spawn(
        &dir.path().join("state"),
        &["audit", "--format", "json", "--out", out.to_str().unwrap()],
    );
    let mut answers = Answers::new();
    let asked = drive(&mut session, pack("audit"), &mut answers);
    assert!(asked >= 20, "only {asked} audit questions asked");
    session.expect("Saved session").unwrap();
    assert_eq!(exit_code(&mut session), 0);
    let report = read_json(&out);
    // The same answers through the engine give the same score: the keystrokes meant what
    // the test thinks they meant.
    let mut expected = answers.clone();
    engine::complete_with_defaults(pack("audit"), &mut expected, today());
    let plan = engine::evaluate(
        pack("audit"),
        &expected,
        chrono::DateTime::parse_from_rfc3339(AS_OF).unwrap(),
        &Default::default(),
        &Default::default(),
    );
    assert_eq!(report["score"]["value"], plan.score.unwrap().value);
}

#[test]
fn ctrl_c_keeps_answers_and_the_next_run_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let out = dir.path().join("plan.json");
    let respond = pack("response");

    let mut session = spawn(
        &state,
        &[
            "respond",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    session.expect("What leaked?").unwrap();
    session.send(" ").unwrap();
    session.send(DOWN).unwrap();
    session.send(" ").unwrap();
    session.send("\r").unwrap();
    session.expect("When did you find out?").unwrap();
    session.send("\x03").unwrap();
    session.expect("Interrupted").unwrap();
    assert_eq!(exit_code(&mut session), 130);
    assert!(
        state.join("pending/respond.json").exists(),
        "answers so far are kept"
    );
    assert!(!out.exists(), "no report from an interrupted run");

    let mut session = spawn(
        &state,
        &[
            "respond",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    session.expect("Resume the unfinished session?").unwrap();
    session.send("y").unwrap();
    // The first question after resuming is the one that was interrupted.
    let first = session
        .expect(Regex("What leaked\\?|When did you find out\\?"))
        .unwrap();
    assert_eq!(first.get(0).unwrap(), b"When did you find out?");
    session.send("yesterday\r").unwrap();
    let mut answers = Answers::new();
    answers.insert(
        "leaked_data".into(),
        Answer::Choices(vec!["id_number".into(), "phone".into()]),
    );
    answers.insert(
        "discovered_on".into(),
        Answer::Date(today() - chrono::Days::new(1)),
    );
    drive(&mut session, respond, &mut answers);
    session.expect("Saved session").unwrap();
    assert_eq!(exit_code(&mut session), 0);
    let plan = read_json(&out);
    assert_eq!(
        plan["answers"][0]["value"],
        serde_json::json!(["id_number", "phone"])
    );
    assert_eq!(plan["anchor_date"], "2026-03-09");
    assert!(
        !state.join("pending/respond.json").exists(),
        "finished sessions clear the pending answers"
    );
}

#[test]
fn an_invalid_typed_date_is_refused_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = spawn(&dir.path().join("state"), &["respond"]);
    session.expect("What leaked?").unwrap();
    session.send(" \r").unwrap();
    session.expect("When did you find out?").unwrap();
    session.send("2026-03-11\r").unwrap();
    session.expect("future").unwrap();
    // Erase the refused date with backspace and type something that is not a date.
    for _ in 0..12 {
        session.send("\x7f").unwrap();
    }
    session.send("next week\r").unwrap();
    session.expect("expected a date").unwrap();
    session.send("\x03").unwrap();
    assert_eq!(exit_code(&mut session), 130);
}
