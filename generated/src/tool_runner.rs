//! A tool-use loop over Messages `create`: send the conversation, run the
//! client tools the model calls, send their results back, and go on until
//! the model answers without calling a tool.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures::future::{self, BoxFuture};
use futures::stream::FusedStream;
use futures::{Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::request::{parse_header, RequestOptions};
use crate::response::Response;
use crate::types::{
    ContentBlock, ContentBlockParam, Message, MessageCreateParams, MessageParam, StopReason, Tool,
    ToolResultBlockParam, ToolResultBlockParamContent, ToolResultBlockParamContentItem, ToolUnion,
};
use crate::{Client, Messages};

const DEFAULT_MAX_TURNS: u32 = 10;

impl<'a> Messages<'a> {
    /// A tool-use loop starting from `params`: each request is a
    /// [`create`](Self::create); while the model stops to call tools, the
    /// runner calls their handlers (registered with [`ToolRunner::tool`]),
    /// sends the results back and asks again.
    ///
    /// ```no_run
    /// # use anthropic_client::{types::{MessageCreateParams, Tool}, Client, Error};
    /// # async fn run(client: Client, params: MessageCreateParams, weather: Tool) -> Result<(), Error> {
    /// #[derive(serde::Deserialize)]
    /// struct WeatherInput { city: String }
    ///
    /// let replies = client
    ///     .messages()
    ///     .tool_runner(params)
    ///     .tool(weather, |input: WeatherInput| async move {
    ///         Ok::<_, String>(format!("{} is sunny", input.city))
    ///     })
    ///     .run()
    ///     .await?;
    /// println!("{:?}", replies.last().map(|reply| &reply.content));
    /// # Ok(()) }
    /// ```
    pub fn tool_runner(
        &self,
        params: impl TryInto<MessageCreateParams, Error: fmt::Display>,
    ) -> ToolRunner<'a> {
        ToolRunner {
            client: self.client,
            params: params
                .try_into()
                .map_err(|e| format!("invalid request body: {e}")),
            handlers: HashMap::new(),
            max_turns: DEFAULT_MAX_TURNS,
            options: RequestOptions::default(),
            invalid: None,
        }
    }
}

/// A tool-use loop being set up, from [`Messages::tool_runner`]: register
/// the tools' handlers, then [`run`](Self::run) it to the end or follow it
/// reply by reply with [`into_stream`](Self::into_stream).
#[must_use = "a tool runner does nothing until it is run or streamed"]
pub struct ToolRunner<'a> {
    client: &'a Client,
    params: Result<MessageCreateParams, String>,
    handlers: Handlers<'a>,
    max_turns: u32,
    options: RequestOptions,
    /// The first invalid option; running reports it before sending anything.
    invalid: Option<String>,
}

type Handlers<'a> = HashMap<String, Box<dyn ErasedHandler + 'a>>;

impl<'a> ToolRunner<'a> {
    /// Registers a client tool: its definition is added to the request's
    /// `tools` (unless a tool of that name is already there), and `handler`
    /// answers each call of it.
    ///
    /// The handler is an async function or closure of the tool's input: a
    /// [`serde_json::Value`], or any type the input deserializes into (an
    /// input that does not is answered with an error result naming what
    /// did not decode; the handler is not called). It returns
    /// `Result<R, E>`: `Ok` becomes the tool result's content (see
    /// [`IntoToolResultContent`]), `Err` a result with `is_error: true` and
    /// the error's text. A closure's parameter needs its type written out
    /// (`|input: WeatherInput|`): it is the type the input is decoded into.
    /// Registering a name again replaces its handler.
    ///
    /// ```no_run
    /// # use anthropic_client::{types::{MessageCreateParams, Tool}, Client};
    /// # fn tools(client: &Client, params: MessageCreateParams, clock: Tool, echo: Tool) {
    /// let runner = client
    ///     .messages()
    ///     .tool_runner(params)
    ///     .tool(clock, |_: serde_json::Value| async { Ok::<_, String>("12:00") })
    ///     .tool(echo, |input: serde_json::Value| async move {
    ///         Ok::<_, std::convert::Infallible>(input)
    ///     });
    /// # }
    /// ```
    pub fn tool<I, H>(mut self, tool: Tool, handler: H) -> Self
    where
        I: DeserializeOwned + 'a,
        H: ToolHandler<I> + 'a,
    {
        let name = tool.name.clone();
        if let Ok(params) = &mut self.params {
            if !params
                .tools
                .iter()
                .any(|defined| tool_name(defined).as_deref() == Some(name.as_str()))
            {
                params.tools.push(ToolUnion::Custom(tool));
            }
        }
        let handler = Typed {
            handler,
            input: PhantomData,
        };
        self.handlers.insert(name, Box::new(handler));
        self
    }

    /// The most requests the loop sends; 10 by default. When the last one
    /// allowed is answered, the loop ends with that reply even if it calls
    /// tools (they are not run); 0 sends nothing.
    pub fn max_turns(mut self, max_turns: u32) -> Self {
        self.max_turns = max_turns;
        self
    }

    /// Overrides the client's timeout for each request of the loop (the
    /// whole exchange of each attempt). Tool calls are not timed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Overrides the client's number of retries for each request of the
    /// loop.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to each request of the loop. A name or value that is
    /// not a valid header makes the loop fail with
    /// [`Error::InvalidArgument`] before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match parse_header(name, value) {
            Ok(header) => self.options.headers.push(header),
            Err(message) => {
                self.invalid.get_or_insert(message);
            }
        }
        self
    }

    /// Replaces the options of each request of the loop as a whole.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The loop as a stream of the model's replies, one per request; see
    /// [`ToolRunnerStream`]. Nothing is sent until it is polled.
    pub fn into_stream(self) -> ToolRunnerStream<'a> {
        let (params, conversation, state) = match (self.params, self.invalid) {
            (Ok(mut params), None) => {
                let conversation = std::mem::take(&mut params.messages);
                (Some(params), conversation, State::Ready)
            }
            (Ok(params), Some(message)) => (
                None,
                params.messages,
                State::Failed(Error::InvalidArgument(message)),
            ),
            (Err(message), _) => (
                None,
                Vec::new(),
                State::Failed(Error::InvalidArgument(message)),
            ),
        };
        ToolRunnerStream {
            client: self.client,
            params,
            conversation,
            handlers: Arc::new(self.handlers),
            options: self.options,
            max_turns: self.max_turns,
            sent: 0,
            state,
        }
    }

    /// Runs the loop to its end and returns every reply, in order: the last
    /// one is the model's answer (or the reply to the last request
    /// [`max_turns`](Self::max_turns) allowed). The first error ends the
    /// loop and is returned; to keep the replies before it, or to read the
    /// whole conversation, use [`into_stream`](Self::into_stream).
    pub async fn run(self) -> Result<Vec<Message>, Error> {
        self.into_stream().try_collect().await
    }
}

impl fmt::Debug for ToolRunner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tools: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        tools.sort_unstable();
        f.debug_struct("ToolRunner")
            .field("params", &self.params)
            .field("tools", &tools)
            .field("max_turns", &self.max_turns)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A tool-use loop running, from [`ToolRunner::into_stream`]: a
/// [`Stream`] of each reply the API returns.
///
/// After a reply whose `stop_reason` is `tool_use`, the next poll runs the
/// handler of each of its `tool_use` blocks (the calls of one reply
/// concurrently), then sends the conversation again with the reply as the
/// assistant turn (its blocks unchanged) and one user turn of `tool_result`
/// blocks, in the order of the calls. Any other reply is the last; so is a
/// `tool_use` reply without client tool calls, and the reply to the last
/// request [`ToolRunner::max_turns`] allows. A call of a tool no handler
/// was registered for is answered with an error result (``unknown tool
/// `name` ``). An error is yielded as `Err` and ends the stream. A
/// `pause_turn` reply ends it too: send the conversation again to let the
/// model go on. A handler that panics makes the poll panic.
///
/// ```no_run
/// # use anthropic_client::{types::{MessageCreateParams, Tool}, Client, Error};
/// # async fn run(client: Client, params: MessageCreateParams, clock: Tool) -> Result<(), Error> {
/// use futures::TryStreamExt;
///
/// let mut replies = client
///     .messages()
///     .tool_runner(params)
///     .tool(clock, |_: serde_json::Value| async { Ok::<_, String>("12:00") })
///     .into_stream();
/// while let Some(reply) = replies.try_next().await? {
///     println!("{:?}: {:?}", reply.stop_reason, reply.content);
/// }
/// let conversation = replies.into_conversation();
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct ToolRunnerStream<'a> {
    client: &'a Client,
    /// The request without its messages (they are `conversation`); `None`
    /// when it was invalid.
    params: Option<MessageCreateParams>,
    conversation: Vec<MessageParam>,
    handlers: Arc<Handlers<'a>>,
    options: RequestOptions,
    max_turns: u32,
    sent: u32,
    state: State<'a>,
}

enum State<'a> {
    /// The next poll sends the conversation.
    Ready,
    Sending(BoxFuture<'a, Result<Response<Message>, Error>>),
    /// The tool calls of the last reply, answered in their order.
    Running(BoxFuture<'a, Vec<ContentBlockParam>>),
    /// An error to yield before the stream ends.
    Failed(Error),
    Done,
}

impl ToolRunnerStream<'_> {
    /// The conversation so far: the request's messages, then for each reply
    /// its assistant turn and, when the loop went on, the user turn of tool
    /// results. Once the stream has ended, it ends with the last reply.
    pub fn conversation(&self) -> &[MessageParam] {
        &self.conversation
    }

    /// The conversation so far, as [`conversation`](Self::conversation)
    /// tells it: the whole conversation once the stream has ended, ready to
    /// be sent on with a new user turn.
    pub fn into_conversation(self) -> Vec<MessageParam> {
        self.conversation
    }

    /// How many requests the loop has sent.
    pub fn requests_sent(&self) -> u32 {
        self.sent
    }

    /// Takes in the answer of a request: records the reply and decides what
    /// follows it.
    fn received(&mut self, answer: Result<Response<Message>, Error>) -> Result<Message, Error> {
        let reply = match answer {
            Ok(reply) => reply.into_inner(),
            Err(e) => {
                self.state = State::Done;
                return Err(e);
            }
        };
        self.state = match reply.to_param() {
            // The reply is still worth having; the error follows it.
            Err(e) => State::Failed(e),
            Ok(turn) => {
                self.conversation.push(turn);
                let calls = tool_calls(&reply);
                let go_on = reply.stop_reason == Some(StopReason::ToolUse)
                    && !calls.is_empty()
                    && self.sent < self.max_turns;
                if go_on {
                    State::Running(run_tools(Arc::clone(&self.handlers), calls))
                } else {
                    State::Done
                }
            }
        };
        Ok(reply)
    }
}

impl Stream for ToolRunnerStream<'_> {
    type Item = Result<Message, Error>;

    // Compiled by the program that polls the runner, like the request futures
    // it drives: compiled here, it would build the crate's own copy of
    // sending a message and decoding the reply, which a program that sends
    // messages compiles again for itself.
    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Ready => {
                    let params = match &this.params {
                        Some(params) if this.sent < this.max_turns => params,
                        _ => {
                            this.state = State::Done;
                            return Poll::Ready(None);
                        }
                    };
                    let mut request = params.clone();
                    request.messages = this.conversation.clone();
                    this.sent += 1;
                    let send = this
                        .client
                        .messages()
                        .create(request)
                        .options(this.options.clone())
                        .send();
                    this.state = State::Sending(Box::pin(send));
                }
                State::Sending(send) => {
                    let answer = ready!(send.as_mut().poll(cx));
                    return Poll::Ready(Some(this.received(answer)));
                }
                State::Running(calls) => {
                    let results = ready!(calls.as_mut().poll(cx));
                    this.conversation.push(MessageParam::user(results));
                    this.state = State::Ready;
                }
                State::Failed(_) => {
                    if let State::Failed(e) = std::mem::replace(&mut this.state, State::Done) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

impl FusedStream for ToolRunnerStream<'_> {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
    }
}

impl fmt::Debug for ToolRunnerStream<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Ready => "ready",
            State::Sending(_) => "sending",
            State::Running(_) => "running tools",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("ToolRunnerStream")
            .field("state", &state)
            .field("requests_sent", &self.sent)
            .field("max_turns", &self.max_turns)
            .field("conversation", &self.conversation)
            .finish_non_exhaustive()
    }
}

/// An async function of a tool's input that answers a call of the tool;
/// see [`ToolRunner::tool`].
///
/// Every `Fn(I) -> impl Future<Output = Result<R, E>>` that is `Send` and
/// `Sync`, with a `Send` future, `R:` [`IntoToolResultContent`] and `E:`
/// [`Display`](fmt::Display), is one, so `async fn`s, `async` closures and
/// closures that return an `async` block need no wrapping:
///
/// ```
/// # use anthropic_client::ToolHandler;
/// #[derive(serde::Deserialize)]
/// struct WeatherInput { city: String }
///
/// async fn weather(input: WeatherInput) -> Result<String, std::io::Error> {
///     Ok(format!("{} is sunny", input.city))
/// }
/// fn is_handler<I>(_: impl ToolHandler<I>) {}
/// is_handler(weather);
/// is_handler(|input: WeatherInput| async move { Ok::<_, String>(input.city) });
/// is_handler(async |input: WeatherInput| Ok::<_, String>(input.city));
/// ```
pub trait ToolHandler<I>: Send + Sync {
    /// What a successful call returns.
    type Output: IntoToolResultContent;
    /// What a failed call returns; its text is sent to the model.
    type Error: fmt::Display;

    /// Answers one call, given its input.
    fn call(&self, input: I) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}

impl<F, I, Fut, R, E> ToolHandler<I> for F
where
    F: Fn(I) -> Fut + Send + Sync,
    Fut: Future<Output = Result<R, E>> + Send,
    R: IntoToolResultContent,
    E: fmt::Display,
{
    type Output = R;
    type Error = E;

    fn call(&self, input: I) -> impl Future<Output = Result<R, E>> + Send {
        self(input)
    }
}

/// What a [`ToolHandler`] may return: the content of a `tool_result`
/// block.
pub trait IntoToolResultContent {
    /// The content, as the `tool_result` block carries it.
    fn into_tool_result_content(self) -> ToolResultBlockParamContent;
}

/// Text.
impl IntoToolResultContent for String {
    fn into_tool_result_content(self) -> ToolResultBlockParamContent {
        ToolResultBlockParamContent::String(self)
    }
}

/// Text.
impl IntoToolResultContent for &str {
    fn into_tool_result_content(self) -> ToolResultBlockParamContent {
        ToolResultBlockParamContent::String(self.to_owned())
    }
}

/// Content blocks: text, images, documents, search results.
impl IntoToolResultContent for Vec<ToolResultBlockParamContentItem> {
    fn into_tool_result_content(self) -> ToolResultBlockParamContent {
        ToolResultBlockParamContent::Array(self)
    }
}

/// The value's JSON text (a JSON string is sent quoted; return a `String`
/// to send plain text).
impl IntoToolResultContent for Value {
    fn into_tool_result_content(self) -> ToolResultBlockParamContent {
        ToolResultBlockParamContent::String(self.to_string())
    }
}

/// The content as it is.
impl IntoToolResultContent for ToolResultBlockParamContent {
    fn into_tool_result_content(self) -> ToolResultBlockParamContent {
        self
    }
}

/// What a call of a tool came to.
struct Outcome {
    content: ToolResultBlockParamContent,
    is_error: bool,
}

impl Outcome {
    fn error(message: String) -> Self {
        Self {
            content: ToolResultBlockParamContent::String(message),
            is_error: true,
        }
    }
}

/// A [`ToolHandler`] whatever its input and output types, so handlers of
/// different tools fit in one map.
trait ErasedHandler: Send + Sync {
    fn call<'s>(&'s self, name: &str, input: Map<String, Value>) -> BoxFuture<'s, Outcome>;
}

struct Typed<H, I> {
    handler: H,
    /// `fn(I)`: the handler takes an `I` but holds none, so it stays
    /// `Send` and `Sync` whatever `I` is.
    input: PhantomData<fn(I)>,
}

impl<H, I> ErasedHandler for Typed<H, I>
where
    H: ToolHandler<I>,
    I: DeserializeOwned,
{
    fn call<'s>(&'s self, name: &str, input: Map<String, Value>) -> BoxFuture<'s, Outcome> {
        let input = match serde_json::from_value::<I>(Value::Object(input)) {
            Ok(input) => input,
            Err(e) => {
                let message = format!("invalid input for tool `{name}`: {e}");
                return Box::pin(future::ready(Outcome::error(message)));
            }
        };
        let call = self.handler.call(input);
        Box::pin(async move {
            match call.await {
                Ok(output) => Outcome {
                    content: output.into_tool_result_content(),
                    is_error: false,
                },
                Err(e) => Outcome::error(e.to_string()),
            }
        })
    }
}

/// One `tool_use` block of a reply.
struct ToolCall {
    id: String,
    name: String,
    input: Map<String, Value>,
}

fn tool_calls(reply: &Message) -> Vec<ToolCall> {
    reply
        .content
        .iter()
        .filter_map(|block| match block {
            ContentBlock::ToolUse(call) => Some(ToolCall {
                id: call.id.clone(),
                name: call.name.clone(),
                input: call.input.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Runs the calls concurrently and answers each with a `tool_result`
/// block, in the order of the calls.
fn run_tools<'a>(
    handlers: Arc<Handlers<'a>>,
    calls: Vec<ToolCall>,
) -> BoxFuture<'a, Vec<ContentBlockParam>> {
    Box::pin(async move {
        let handlers = &*handlers;
        let runs = calls.into_iter().map(|call| async move {
            let outcome = match handlers.get(&call.name) {
                Some(handler) => handler.call(&call.name, call.input).await,
                None => Outcome::error(format!("unknown tool `{}`", call.name)),
            };
            tool_result(call.id, outcome)
        });
        future::join_all(runs).await
    })
}

/// The name a tool definition declares, whatever its kind.
fn tool_name(tool: &ToolUnion) -> Option<String> {
    match tool {
        ToolUnion::Custom(tool) => Some(tool.name.clone()),
        // The Anthropic-defined tools name themselves in their JSON too.
        other => crate::json::to_value(other)
            .ok()?
            .get("name")?
            .as_str()
            .map(str::to_owned),
    }
}

fn tool_result(tool_use_id: String, outcome: Outcome) -> ContentBlockParam {
    let result = ToolResultBlockParam::new(tool_use_id).content(outcome.content);
    // `is_error` is left out on success, as the API's examples do.
    ContentBlockParam::ToolResult(if outcome.is_error {
        result.is_error(true)
    } else {
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loop can be spawned onto a multi-threaded runtime.
    #[test]
    fn runners_and_their_streams_are_send() {
        fn send<T: Send>() {}
        send::<ToolRunner<'static>>();
        send::<ToolRunnerStream<'static>>();
    }

    #[test]
    fn a_tool_is_known_by_its_name_whatever_its_kind() {
        let bash: ToolUnion = serde_json::from_value(serde_json::json!({
            "type": "bash_20250124",
            "name": "bash"
        }))
        .expect("a bash tool");
        assert_eq!(tool_name(&bash).as_deref(), Some("bash"));
        let unknown: ToolUnion =
            serde_json::from_value(serde_json::json!({"type": "future_tool_20990101"}))
                .expect("an unknown tool");
        assert_eq!(tool_name(&unknown), None);
    }
}
