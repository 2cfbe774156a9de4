//! The command agent: runs a program per turn (no shell), writes the turn as JSON to its stdin and
//! streams its stdout back as the answer. Any language can be an agent this way.
//!
//! The program runs in its own process group so that a timeout or a dropped answer stops
//! everything it started, not only the program itself.

use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdout, Command};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::utf8::Utf8Decoder;
use crate::{Agent, AgentError, AgentEvent, AgentStream, Turn};

/// How much of stderr is kept for the log: the end is where the reason usually is.
const STDERR_TAIL: usize = 4096;

/// How long to wait, once the program exited, for the last of its stderr to be read.
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// Runs `argv` for each turn, with the turn (camelCase JSON and a newline) on stdin and
/// `OPENCLAW_SESSION_KEY`, `OPENCLAW_CHAT_ID` and `OPENCLAW_SENDER` added to the inherited
/// environment. Stdout is the answer; a non-zero exit is a failure; the run is killed after
/// `timeout`. The answer ends when stdout closes and the program has exited, so a background
/// process that keeps stdout open holds the answer until the timeout.
#[derive(Debug, Clone)]
pub struct CommandAgent {
    argv: Vec<String>,
    timeout: Duration,
}

impl CommandAgent {
    pub fn new(argv: Vec<String>, timeout: Duration) -> Result<Self, AgentError> {
        if argv.first().is_none_or(|program| program.is_empty()) {
            return Err(AgentError::Config("the agent command is empty".into()));
        }
        if timeout.is_zero() {
            return Err(AgentError::Config(
                "the agent command timeout must be more than zero".into(),
            ));
        }
        Ok(Self { argv, timeout })
    }
}

impl Agent for CommandAgent {
    fn name(&self) -> &str {
        "command"
    }

    fn run(&self, turn: Turn) -> AgentStream {
        let start = State::Start {
            argv: self.argv.clone(),
            timeout: self.timeout,
            turn: Box::new(turn),
        };
        Box::pin(stream::unfold(start, step))
    }
}

/// The stream's state. The running process lives inside the stream, so dropping the stream drops
/// [`Run`], which kills it.
enum State {
    Start {
        argv: Vec<String>,
        timeout: Duration,
        turn: Box<Turn>,
    },
    Running(Box<Run>),
    Done,
}

async fn step(state: State) -> Option<(Result<AgentEvent, AgentError>, State)> {
    let mut run = match state {
        State::Done => return None,
        State::Running(run) => run,
        // Spawned on the first poll, inside the runtime, rather than in `run`.
        State::Start {
            argv,
            timeout,
            turn,
        } => match Run::spawn(&argv, timeout, &turn) {
            Ok(run) => Box::new(run),
            Err(e) => return Some((Err(e), State::Done)),
        },
    };
    match run.next().await? {
        Ok(event) => Some((Ok(event), State::Running(run))),
        Err(e) => Some((Err(e), State::Done)),
    }
}

/// One running command.
struct Run {
    program: String,
    child: Child,
    /// `None` once stdout reached its end.
    stdout: Option<ChildStdout>,
    decoder: Utf8Decoder,
    deadline: Instant,
    timeout: Duration,
    stderr: Arc<Mutex<Tail>>,
    stderr_task: Option<JoinHandle<()>>,
    stdin_task: JoinHandle<()>,
    /// The process group to kill if the run ends early; `None` once it ended or was killed.
    group: Option<u32>,
}

impl Run {
    fn spawn(argv: &[String], timeout: Duration, turn: &Turn) -> Result<Run, AgentError> {
        let program = argv[0].clone();
        let mut input = serde_json::to_vec(turn).map_err(|e| AgentError::Failed {
            message: format!("could not encode the turn: {e}"),
        })?;
        input.push(b'\n');

        let mut command = Command::new(&program);
        command
            .args(&argv[1..])
            .env("OPENCLAW_SESSION_KEY", &turn.session_key)
            .env("OPENCLAW_CHAT_ID", &turn.chat_id)
            .env("OPENCLAW_SENDER", &turn.sender_open_id)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let mut child = command.spawn().map_err(|e| {
            tracing::warn!(program = %program, error = %e, "could not start the agent command");
            AgentError::Failed {
                message: format!("could not start the agent command `{program}`"),
            }
        })?;
        let group = child.id();

        let (Some(mut stdin), Some(stdout), Some(stderr_pipe)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(AgentError::Failed {
                message: "the agent command has no pipes".into(),
            });
        };
        // Written from its own task so that a command answering while it still reads a large turn
        // cannot deadlock against us.
        let stdin_task = tokio::spawn(async move {
            if let Err(e) = stdin.write_all(&input).await {
                // A command that ignores its input may exit before reading it: not an error.
                tracing::debug!(error = %e, "agent command did not take the whole turn");
            }
            // Dropping stdin closes it: the command sees the end of its input.
        });
        let stderr = Arc::new(Mutex::new(Tail::default()));
        let stderr_task = tokio::spawn(read_tail(stderr_pipe, stderr.clone()));

        Ok(Run {
            program,
            child,
            stdout: Some(stdout),
            decoder: Utf8Decoder::default(),
            deadline: Instant::now() + timeout,
            timeout,
            stderr,
            stderr_task: Some(stderr_task),
            stdin_task,
            group,
        })
    }

    /// The next event, bounded by the run's deadline.
    async fn next(&mut self) -> Option<Result<AgentEvent, AgentError>> {
        match tokio::time::timeout_at(self.deadline, self.advance()).await {
            Ok(next) => next,
            Err(_elapsed) => {
                self.kill();
                let seconds = self.timeout.as_millis().div_ceil(1000);
                tracing::warn!(program = %self.program, seconds, "agent command timed out");
                Some(Err(AgentError::Timeout {
                    seconds: u64::try_from(seconds).unwrap_or(u64::MAX),
                }))
            }
        }
    }

    /// Reads stdout to its end, then waits for the exit. Cancel-safe, for the timeout around it.
    async fn advance(&mut self) -> Option<Result<AgentEvent, AgentError>> {
        let mut buf = [0u8; 8192];
        while let Some(stdout) = &mut self.stdout {
            let read = stdout.read(&mut buf).await;
            let text = match read {
                Ok(n) if n > 0 => self.decoder.push(&buf[..n]),
                end => {
                    if let Err(e) = end {
                        tracing::warn!(program = %self.program, error = %e, "reading the agent command's output");
                    }
                    self.stdout = None;
                    self.decoder.finish()
                }
            };
            if !text.is_empty() {
                return Some(Ok(AgentEvent::Text(text)));
            }
        }

        let status = match self.child.wait().await {
            Ok(status) => status,
            Err(e) => {
                tracing::warn!(program = %self.program, error = %e, "waiting for the agent command");
                return Some(Err(AgentError::Failed {
                    message: "lost track of the agent command".into(),
                }));
            }
        };
        // The leader is gone; whatever it left behind in its group is no longer ours to stop.
        self.group = None;
        if status.success() {
            return None;
        }
        let stderr = self.stderr_tail().await;
        tracing::warn!(program = %self.program, %status, stderr = %stderr, "agent command failed");
        Some(Err(AgentError::Failed {
            message: describe(status),
        }))
    }

    /// What the command wrote to stderr, once its last bytes are in (or after a short grace).
    async fn stderr_tail(&mut self) -> String {
        if let Some(task) = self.stderr_task.take() {
            let _ = tokio::time::timeout(STDERR_GRACE, task).await;
        }
        let tail = self
            .stderr
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        String::from_utf8_lossy(&tail.bytes).trim().to_owned()
    }

    /// Kills the whole process group (the command and what it started), then the command itself
    /// in case the group could not be reached.
    fn kill(&mut self) {
        if let Some(group) = self.group.take() {
            kill_group(group);
        }
        let _ = self.child.start_kill();
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        // An answer dropped early (or timed out) stops the command; `kill_on_drop` covers the
        // command itself even where process groups do not exist.
        self.kill();
        self.stdin_task.abort();
        if let Some(task) = &self.stderr_task {
            task.abort();
        }
    }
}

#[cfg(unix)]
fn kill_group(group: u32) {
    let Ok(pgid) = i32::try_from(group) else {
        return;
    };
    // SAFETY: kill(2) takes plain integers and touches no memory of ours. The negative id
    // addresses the group the command leads (spawned with `process_group(0)`), which still
    // exists because its leader has not been waited for.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_group: u32) {}

fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("the agent command exited with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("the agent command was killed by signal {signal}");
        }
    }
    "the agent command failed".into()
}

/// The last [`STDERR_TAIL`] bytes of a stream.
#[derive(Debug, Default)]
struct Tail {
    bytes: Vec<u8>,
}

impl Tail {
    fn push(&mut self, chunk: &[u8]) {
        self.bytes.extend_from_slice(chunk);
        if self.bytes.len() > STDERR_TAIL {
            let cut = self.bytes.len() - STDERR_TAIL;
            self.bytes.drain(..cut);
        }
    }
}

async fn read_tail(mut pipe: impl AsyncRead + Unpin, tail: Arc<Mutex<Tail>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf).await {
        if n == 0 {
            break;
        }
        tail.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_end() {
        let mut tail = Tail::default();
        tail.push(&[b'a'; STDERR_TAIL]);
        tail.push(b"end");
        assert_eq!(tail.bytes.len(), STDERR_TAIL);
        assert!(tail.bytes.ends_with(b"aend"));
    }

    #[test]
    fn rejects_an_empty_command() {
        assert!(CommandAgent::new(vec![], Duration::from_secs(1)).is_err());
        assert!(CommandAgent::new(vec![String::new()], Duration::from_secs(1)).is_err());
        assert!(CommandAgent::new(vec!["true".into()], Duration::ZERO).is_err());
    }
}
