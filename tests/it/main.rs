//! One test binary: the real `contrib` binary run against the sandbox (in-process, on
//! 127.0.0.1) with real git repositories, a temporary HOME and `env_clear()`.

mod commit;
mod common;
mod openapi;
mod pr;
mod pty;

mod auth;
mod cli;
mod doctor;
mod find;
mod i18n;
mod rest;
mod rules;

mod sandbox;
mod secrets;
mod start;
mod status;
mod sync;
mod templates;
mod tutorial;
