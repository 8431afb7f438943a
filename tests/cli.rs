//! The one integration-test binary: each module drives the real `privaudit` binary.
mod cli {
    pub mod audit;
    pub mod check;
    pub mod cmd;
    pub mod crash;
    pub mod evidence;
    pub mod followup;
    pub mod pty;
    pub mod respond;
    pub mod robustness;
    pub mod rules;
    pub mod scan;
    pub mod support;
}
