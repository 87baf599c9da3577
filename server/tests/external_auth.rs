//! External auth (§1.6, seed 000): `X-BP-ExternalAuth: Bearer <jwt>` verified with RS256 or HS256;
//! valid credentials reach the bot (`update_profile` persists the first name into the user state),
//! every bad token is a 401 `{errorCode:'BP_0401', type:'InvalidExternalToken'}`.

mod common;

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{json, Value};

const AUDIENCE: &str = "webchat-integration-tests";
const ISSUER: &str = "https://backend.example.test";
/// HS256 shared secret; Botpress requires at least 128 characters for `publicKey`.
const HS_SECRET: &str = "hs256-shared-secret-for-webchat-integration-tests-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-xyz";

/// (private PKCS#8 PEM, public SPKI PEM), generated once per test binary in pure Rust.
fn rsa_keys() -> &'static (String, String) {
    static KEYS: OnceLock<(String, String)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = rand::thread_rng();
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("rsa keygen");
        let public = rsa::RsaPublicKey::from(&private);
        (
            private.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
            public.to_public_key_pem(LineEnding::LF).unwrap(),
        )
    })
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims(firstname: &str) -> Value {
    json!({
        "sub": format!("crm-{firstname}"),
        "firstname": firstname,
        "lastname": "Tester",
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now(),
        "exp": now() + 3600,
    })
}

fn rs256(claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(rsa_keys().0.as_bytes()).unwrap();
    encode(&Header::new(Algorithm::RS256), claims, &key).unwrap()
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn b64url(bytes: &[u8]) -> String {
    // Small local base64url (no padding) so the test controls every byte of the `alg: none` token.
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn alg_none(claims: &Value) -> String {
    format!(
        "{}.{}.",
        b64url(br#"{"alg":"none","typ":"JWT"}"#),
        b64url(claims.to_string().as_bytes())
    )
}

/// A server with RS256 external auth; the public key is in `data/global/end_users_auth.pub`.
async fn rs256_server() -> (Fixture, Server) {
    let cfg = config_with(json!({
        "pro": { "externalAuth": {
            "enabled": true, "algorithms": ["RS256"], "audience": AUDIENCE, "issuer": ISSUER
        }}
    }));
    let fx = Fixture::new(&cfg);
    std::fs::write(fx.data_dir.join("global/end_users_auth.pub"), &rsa_keys().1).unwrap();
    let server = fx.start().await;
    (fx, server)
}

/// A server with HS256 external auth; the secret is `pro.externalAuth.publicKey`.
async fn hs256_server() -> (Fixture, Server) {
    let cfg = config_with(json!({
        "pro": { "externalAuth": {
            "enabled": true, "algorithms": ["HS256"], "audience": AUDIENCE, "issuer": ISSUER,
            "publicKey": HS_SECRET
        }}
    }));
    Server::start(&cfg).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn event_with_token(server: &Server, v: &Visitor, convo: &str, token: &str) -> (u16, Value) {
    let auth = bearer(token);
    server
        .post(
            &server.cw("/events"),
            &v.body(json!({ "conversationId": convo, "payload": {"type": "update_profile"} })),
            &[("X-BP-ExternalAuth", &auth)],
        )
        .await
}

async fn message_with_token(
    server: &Server,
    v: &Visitor,
    convo: &str,
    token: &str,
) -> (u16, Value) {
    let auth = bearer(token);
    server
        .post(
            &server.cw("/messages"),
            &v.body(json!({ "conversationId": convo, "payload": {"type": "text", "text": "hi"} })),
            &[("X-BP-ExternalAuth", &auth)],
        )
        .await
}

#[track_caller]
fn assert_invalid_token(status: u16, body: &Value) {
    assert_v12_error(status, body, 401);
    assert_eq!(body["errorCode"], "BP_0401", "{body}");
    assert_eq!(body["type"], "InvalidExternalToken", "{body}");
}

/// Sends `update_profile` with the token, then greets the bot until it answers with the first name.
///
/// The `update_profile` turn has no visible reply (the hook skips the dialog engine), so the test keeps
/// saying `hi` (each answered by a greeting) until the greeting carries the name, with a bounded number
/// of attempts. Strict ordering (event applied before the next message) is a separate requirement.
async fn credentials_reach_the_bot(server: &Server, token: &str, firstname: &str) {
    let v = server.visitor().await;
    let convo = v.new_conversation(server).await;
    let (st, body) = event_with_token(server, &v, &convo, token).await;
    assert_eq!(st, 200, "update_profile with a valid token: {body}");
    let greetings = || {
        v.events
            .named("guest.webchat.message")
            .into_iter()
            .filter(|f| is_bot(&f["data"]))
            .count()
    };
    let mut named = false;
    for attempt in 0..10 {
        let before = greetings();
        let (st, body) = message_with_token(server, &v, &convo, token).await;
        assert_eq!(st, 200, "message with a valid token: {body}");
        v.events
            .wait_until(&format!("greeting #{attempt}"), |frames| {
                frames
                    .iter()
                    .filter(|f| f["name"] == "guest.webchat.message" && is_bot(&f["data"]))
                    .count()
                    > before
            })
            .await;
        let last = v
            .events
            .named("guest.webchat.message")
            .into_iter()
            .rfind(|f| is_bot(&f["data"]))
            .unwrap();
        if last["data"]["payload"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(firstname))
        {
            named = true;
            break;
        }
    }
    assert!(
        named,
        "the bot never greeted {firstname}: {:#?}",
        v.events.all()
    );
    assert!(
        !server.log().contains(token),
        "the token must never be logged"
    );
}

async fn login(server: &Server) -> String {
    let (st, body) = server
        .post(
            &server.url("/api/v1/auth/login/basic/default"),
            &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }),
            &[],
        )
        .await;
    assert_eq!(st, 200, "login: {body}");
    body["payload"]["jwt"]
        .as_str()
        .expect("payload.jwt")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs256_token_credentials_reach_the_bot_and_converse_state() {
    let (_fx, server) = rs256_server().await;
    let token = rs256(&claims("Ada"));
    credentials_reach_the_bot(&server, &token, "Ada").await;

    // Converse: the profile hook persists the credentials into the user state (seed 000).
    let jwt = login(&server).await;
    let collab = bearer(&jwt);
    let ext = bearer(&token);
    let url = server.url(&format!(
        "/api/v1/bots/{BOT}/converse/ext-user-1/secured?include=state,credentials"
    ));
    let (st, body) = server
        .post(
            &url,
            &json!({ "type": "update_profile", "text": "" }),
            &[("Authorization", &collab), ("X-BP-ExternalAuth", &ext)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = server
        .post(
            &url,
            &json!({ "type": "text", "text": "who am i" }),
            &[("Authorization", &collab), ("X-BP-ExternalAuth", &ext)],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["state"]["user"]["firstname"], "Ada", "state: {body}");
    assert_eq!(
        body["credentials"]["firstname"], "Ada",
        "credentials: {body}"
    );
    assert!(body["responses"].is_array(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hs256_token_credentials_reach_the_bot() {
    let (_fx, server) = hs256_server().await;
    let token = hs256(&claims("Grace"), HS_SECRET.as_bytes());
    credentials_reach_the_bot(&server, &token, "Grace").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rs256_tokens_are_401_bp_0401() {
    let (_fx, server) = rs256_server().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;

    let mut expired = claims("Old");
    expired["iat"] = json!(now() - 7200);
    expired["exp"] = json!(now() - 3600);
    let mut wrong_aud = claims("Eve");
    wrong_aud["aud"] = json!("someone-else");
    let mut wrong_iss = claims("Eve");
    wrong_iss["iss"] = json!("https://evil.example.test");
    let other_key = {
        let mut rng = rand::thread_rng();
        let k = rsa::RsaPrivateKey::new(&mut rng, 2048).unwrap();
        EncodingKey::from_rsa_pem(k.to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes()).unwrap()
    };

    let cases: Vec<(&str, String)> = vec![
        ("expired", rs256(&expired)),
        ("wrong audience", rs256(&wrong_aud)),
        ("wrong issuer", rs256(&wrong_iss)),
        ("alg none", alg_none(&claims("Eve"))),
        // HS/RS confusion: HS256 signed with the RSA public key PEM as the HMAC secret.
        (
            "hs/rs confusion",
            hs256(&claims("Eve"), rsa_keys().1.as_bytes()),
        ),
        (
            "signed by another key",
            encode(&Header::new(Algorithm::RS256), &claims("Eve"), &other_key).unwrap(),
        ),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (name, token) in &cases {
        let (st, body) = event_with_token(&server, &v, &convo, token).await;
        assert_eq!(st, 401, "{name} on /events: {body}");
        assert_invalid_token(st, &body);
        let (st, body) = message_with_token(&server, &v, &convo, token).await;
        assert_eq!(st, 401, "{name} on /messages: {body}");
        assert_invalid_token(st, &body);
    }

    // Only `X-BP-ExternalAuth` is read; the `ExternalAuth` twin the v12 client also sends is ignored
    // (§1.6), so a bad value there does not fail the request.
    let (st, body) = server
        .post(
            &server.cw("/conversations/list"),
            &v.body(json!({})),
            &[("ExternalAuth", "Bearer not.a.jwt")],
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = server
        .post(
            &server.cw("/events"),
            &v.body(json!({ "conversationId": convo, "payload": {"type": "custom_noop"} })),
            &[("ExternalAuth", "Bearer not.a.jwt")],
        )
        .await;
    assert_eq!(st, 200, "{body}");

    // Converse runs the same check (§2).
    let (st, body) = server
        .post(
            &server.url(&format!("/api/v1/bots/{BOT}/converse/ext-user-2")),
            &json!({ "type": "text", "text": "hi" }),
            &[("X-BP-ExternalAuth", &bearer(&cases[0].1))],
        )
        .await;
    assert_invalid_token(st, &body);

    // None of the rejected messages was stored; a request without a token still works.
    let (st, body) = v.say(&server, &convo, "anonymous").await;
    assert_eq!(st, 200, "{body}");
    v.events.bot_text("You said: anonymous").await;
    let (_, c) = server
        .post_cw(
            "/conversations/get",
            &v.body(json!({ "conversationId": convo })),
        )
        .await;
    let n_hi = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["payload"]["text"] == "hi")
        .count();
    assert_eq!(n_hi, 0, "rejected messages must not be stored: {c}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_hs256_tokens_are_401_bp_0401() {
    let (_fx, server) = hs256_server().await;
    let v = server.visitor().await;
    let convo = v.new_conversation(&server).await;
    let mut expired = claims("Old");
    expired["exp"] = json!(now() - 3600);
    let mut wrong_aud = claims("Eve");
    wrong_aud["aud"] = json!("someone-else");
    let cases = [
        ("expired", hs256(&expired, HS_SECRET.as_bytes())),
        ("wrong audience", hs256(&wrong_aud, HS_SECRET.as_bytes())),
        ("wrong secret", hs256(&claims("Eve"), b"not-the-secret")),
        ("alg none", alg_none(&claims("Eve"))),
        // An RS256 token is refused when only HS256 is allowed.
        ("rs256 not allowed", rs256(&claims("Eve"))),
    ];
    for (name, token) in &cases {
        let (st, body) = event_with_token(&server, &v, &convo, token).await;
        assert_eq!(st, 401, "{name}: {body}");
        assert_invalid_token(st, &body);
    }
}

/// Seed 000: `sendEvent({type:'update_profile'})` then chatting greets by first name at once: events
/// and messages of one visitor are processed in order, each turn seeing the state the previous saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_profile_is_applied_before_the_next_message() {
    let (_fx, server) = hs256_server().await;
    let token = hs256(&claims("Linus"), HS_SECRET.as_bytes());
    for round in 0..5 {
        let v = server.visitor().await;
        let convo = v.new_conversation(&server).await;
        let (st, body) = event_with_token(&server, &v, &convo, &token).await;
        assert_eq!(st, 200, "{body}");
        let (st, body) = message_with_token(&server, &v, &convo, &token).await;
        assert_eq!(st, 200, "{body}");
        let first = v.events.message("first greeting", is_bot).await;
        assert!(
            first["payload"]["text"].as_str().unwrap().contains("Linus"),
            "round {round}: the message turn did not see the profile saved by the event before it: {first}"
        );
    }
}
