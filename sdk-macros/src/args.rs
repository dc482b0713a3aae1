//! The arguments of `#[plc_program(...)]`: a comma-separated list of keys.

use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Meta, Token};

/// What `#[plc_program(...)]` was given.
#[derive(Default)]
pub(crate) struct Args {
    /// `cold_start`: every new version starts from `Default`; no `plc_state_save`/`load`.
    pub(crate) cold_start: bool,
}

impl Args {
    pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
        let mut args = Args::default();
        for meta in Punctuated::<Meta, Token![,]>::parse_terminated.parse2(tokens)? {
            match &meta {
                Meta::Path(path) if path.is_ident("cold_start") => {
                    if std::mem::replace(&mut args.cold_start, true) {
                        return Err(syn::Error::new(path.span(), "`cold_start` is given twice"));
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        other.path().span(),
                        "unknown argument: #[plc_program] takes `cold_start` (start every new version from `Default`)",
                    ))
                }
            }
        }
        Ok(args)
    }
}
