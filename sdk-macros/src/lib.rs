//! The `#[plc_program]` attribute: turns a function into a PLC program's exported `poll`.
//!
//! Use it through `plc_sdk::prelude::*`; see `plc_sdk` for the guide.

#![deny(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_macro_input, FnArg, Item, ItemFn, ReturnType, Type};

/// Makes `fn name()` or `fn name(state: &mut S)` the program's scan: the controller calls it
/// once per cycle through the generated `poll` export.
///
/// With a state parameter, `S: Default` is created on the first scan and kept between scans.
/// `S` must also be [`State`](macro@State) (`#[derive(Default, State)]`): the attribute then
/// exports `plc_state_save` and `plc_state_load`, and a new version of the program takes the
/// state over, field by field, when the controller swaps it in (see `plc_sdk::state`).
/// `#[plc_program(cold_start)]` opts out: every new version starts from `Default`, and `S`
/// need not be `State`.
///
/// `#[plc_program(image = IMAGE)]` names the program's
/// [`ProcessImage`](../plc_sdk/image/struct.ProcessImage.html), a `static`: the attribute
/// exports its descriptor (`plc_image`), so that the controller copies the inputs in before
/// each scan and publishes the output bits the scan changed. See `plc_sdk::image`.
///
/// ```
/// use plc_sdk::prelude::*;
///
/// #[plc_program]
/// fn count(scans: &mut u32) {
///     *scans += 1;
///     info!("scan {}", scans);
/// }
/// # let mut sim = plc_sdk::sim::Simulator::new();
/// # sim.scan(poll);
/// ```
///
/// The function may return `Result<(), plc_sdk::Error>` and use `?`. An `Err` is not a fault:
/// the scan ends there, what it staged is published, and the next scan runs as usual. Each
/// `Err` is reported to the controller, which counts it in the program's statistics, and it is
/// logged at warning level, from the file and line of the function, when it differs from the
/// previous scan's outcome: once when the error appears, not again while the same error
/// persists, and again after an `Ok` scan or for another error.
///
/// ```
/// use plc_sdk::prelude::*;
///
/// #[plc_program]
/// fn copy() -> Result<(), Error> {
///     let address = io::input::<u8>(0).ok_or(Error::AddressOutOfBounds)?; // which input byte to copy
///     let value = io::input::<u8>(u32::from(address)).ok_or(Error::AddressOutOfBounds)?;
///     io::set_output::<u8>(0, value)
/// }
/// # let mut sim = plc_sdk::sim::Simulator::with_image_sizes(4, 1);
/// sim.set_inputs(&[9]); // no input byte 9: `Err(Error::AddressOutOfBounds)`
/// sim.scan(poll);
/// sim.scan(poll);
/// assert_eq!(sim.errors(), 2);
/// assert_eq!(sim.take_logs().len(), 1); // logged once while the error persists
/// ```
///
/// It also exports `plc_abi_version`, which tells the controller which ABI the program speaks.
/// One program per crate.
#[proc_macro_attribute]
pub fn plc_program(attr: TokenStream, item: TokenStream) -> TokenStream {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| options.parse(meta));
    parse_macro_input!(attr with parser);
    let item = parse_macro_input!(item as Item);
    match expand(item, options) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// Derives `plc_sdk::state::State` for a struct with named fields: each field is saved and
/// loaded under its name (a field of a field as `outer.inner`), so that a new version of the
/// program takes it over when the field keeps its name and type.
///
/// ```
/// use plc_sdk::prelude::*;
///
/// #[derive(Default, State)]
/// struct Fill {
///     pump: Sr,
///     delay: Ton,
///     level: [u16; 4],
///     #[state(skip)] // starts from `Default` in every new version
///     scans: u32,
/// }
/// ```
///
/// Every field must be `State`: `bool`, the integers, the floats, `Instant`, `Duration`,
/// `Option`s of those, arrays, the SDK's blocks, or a struct that derives `State` itself.
/// Enums, tuple structs and unions are refused, as are references, pointers, slices, tuples,
/// function pointers and trait objects.
#[proc_macro_derive(State, attributes(state))]
pub fn derive_state(item: TokenStream) -> TokenStream {
    let input = parse_macro_input!(item as syn::DeriveInput);
    match state::derive(input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

mod state;

/// The arguments of `#[plc_program(...)]`.
#[derive(Default)]
struct Options {
    /// `image = IMAGE`: the program's `static` process image.
    image: Option<syn::Expr>,
    /// `cold_start`: every new version starts from `Default`; no `plc_state_save`/`load`.
    cold_start: bool,
}

impl Options {
    fn parse(&mut self, meta: syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("image") {
            if self.image.is_some() {
                return Err(meta.error("`image` is given twice: a program has one process image"));
            }
            self.image = Some(meta.value()?.parse()?);
            return Ok(());
        }
        if meta.path.is_ident("cold_start") {
            if std::mem::replace(&mut self.cold_start, true) {
                return Err(meta.error("`cold_start` is given twice"));
            }
            return Ok(());
        }
        Err(meta.error(
            "unknown argument: #[plc_program] takes `image = IMAGE`, the `static` process image of the program, and `cold_start`, to start every new version from `Default`",
        ))
    }
}

fn expand(item: Item, options: Options) -> syn::Result<proc_macro2::TokenStream> {
    let Item::Fn(mut function) = item else {
        return Err(syn::Error::new(item_span(&item), "#[plc_program] goes on a function: `fn name()` or `fn name(state: &mut S)`"));
    };
    check_signature(&function)?;
    let state = state_type(&function)?;
    check_single_program(&function)?;

    // A user function named `poll` would clash with the generated export.
    if function.sig.ident == "poll" {
        function.sig.ident = format_ident!("__plc_program_poll", span = function.sig.ident.span());
    }
    let name = &function.sig.ident;
    let span = function.sig.ident.span();
    let (call, slot) = match &state {
        Some(state) => {
            // Spanned at the state type, so that a type without `Default` is pointed at there.
            let ty = quote_spanned! {state.span()=> ::plc_sdk::__private::ProgramState<#state> };
            let slot = quote_spanned! {span=>
                /// The program's state between scans, generated by `#[plc_program]`.
                static __PLC_PROGRAM_STATE: #ty = ::plc_sdk::__private::ProgramState::new();
            };
            let carry = if options.cold_start { quote! {} } else { state_exports(state) };
            (quote_spanned! {span=> __PLC_PROGRAM_STATE.scan(#name) }, quote! { #slot #carry })
        }
        None => (quote_spanned! {span=> ::core::option::Option::Some(#name()) }, quote! {}),
    };
    let body = match result_type(&function.sig.output)? {
        None => quote_spanned! {span=> let _ = #call; },
        Some(error) => {
            // Spanned at the error type: `Result<(), other::Error>` is refused there.
            let outcome = quote_spanned! {error.span()=> ::core::result::Result<(), ::plc_sdk::Error> };
            quote_spanned! {span=>
                static __PLC_PROGRAM_OUTCOME: ::plc_sdk::__private::ScanOutcome = ::plc_sdk::__private::ScanOutcome::new();
                if let ::core::option::Option::Some(outcome) = #call {
                    let outcome: #outcome = outcome;
                    __PLC_PROGRAM_OUTCOME.report(outcome, ::core::file!(), ::core::line!());
                }
            }
        }
    };
    let (image_export, native_body) = match &options.image {
        None => (quote! {}, body.clone()),
        Some(image) => {
            // Spanned at the image: a `const` or another type is pointed at there.
            let descriptor = quote_spanned! {image.span()=> (#image).descriptor() };
            let export = quote! {
                /// The program's process image, for the controller, generated by `#[plc_program(image = ...)]`.
                #[allow(unsafe_code, non_upper_case_globals)]
                #[cfg(target_arch = "wasm32")]
                #[unsafe(no_mangle)]
                pub static plc_image: ::plc_sdk::__private::ImageDescriptor = #descriptor;
            };
            let native = quote_spanned! {span=>
                static __PLC_PROGRAM_IMAGE: ::plc_sdk::__private::ImageDescriptor = #descriptor;
                ::plc_sdk::__private::with_image(&__PLC_PROGRAM_IMAGE, || { #body });
            };
            (export, native)
        }
    };
    Ok(quote! {
        #function

        #slot

        /// The scan entry point the controller calls once per cycle, generated by `#[plc_program]`.
        #[allow(unsafe_code)]
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn poll() {
            #body
        }

        #image_export

        /// One scan of the program, generated by `#[plc_program]`: pass it to
        /// `plc_sdk::sim::Simulator::scan` in native tests.
        #[cfg(not(target_arch = "wasm32"))]
        pub fn poll() {
            #native_body
        }

        /// The ABI version this program was built against, generated by `#[plc_program]`.
        #[allow(unsafe_code)]
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn plc_abi_version() -> i32 {
            ::plc_sdk::__private::ABI_VERSION
        }
    })
}

/// `plc_state_save` and `plc_state_load`, which carry the state to a new version; spanned at
/// the state type, so that a type that is not `State` is pointed at there.
fn state_exports(state: &Type) -> proc_macro2::TokenStream {
    // One call of the bounded method, spanned at the state type: one error, pointed there.
    let carry = quote_spanned! {state.span()=> __PLC_PROGRAM_STATE.carry(save) };
    quote! {
        /// Saves (`true`) or loads the program's state, generated by `#[plc_program]`.
        fn __plc_state_carry(save: bool) {
            #carry
        }

        /// Saves the program's state for a new version, generated by `#[plc_program]`.
        #[allow(unsafe_code)]
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn plc_state_save() {
            __plc_state_carry(true)
        }

        /// Loads the state the version before saved, generated by `#[plc_program]`.
        #[allow(unsafe_code)]
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn plc_state_load() {
            __plc_state_carry(false)
        }

        /// Saves the program's state, generated by `#[plc_program]`: pass it to
        /// `plc_sdk::sim::Simulator::swap` in native tests.
        #[cfg(not(target_arch = "wasm32"))]
        pub fn plc_state_save() {
            __plc_state_carry(true)
        }

        /// Loads the saved state into a fresh one, generated by `#[plc_program]`: pass it to
        /// `plc_sdk::sim::Simulator::swap` in native tests.
        #[cfg(not(target_arch = "wasm32"))]
        pub fn plc_state_load() {
            __plc_state_carry(false)
        }
    }
}

fn check_signature(function: &ItemFn) -> syn::Result<()> {
    let sig = &function.sig;
    let refuse = |span: Span, what: &str| Err(syn::Error::new(span, format!("a PLC program cannot be {what}")));
    if let Some(token) = sig.asyncness {
        return refuse(token.span(), "`async`: the controller calls it to completion once per scan");
    }
    if let Some(token) = sig.constness {
        return refuse(token.span(), "`const`");
    }
    if let Some(token) = sig.unsafety {
        return refuse(token.span(), "`unsafe`");
    }
    if let Some(abi) = &sig.abi {
        return refuse(abi.span(), "`extern`: the attribute generates the exported `poll`");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new(sig.generics.span(), "a PLC program cannot be generic: put the types in its state"));
    }
    if let Some(variadic) = &sig.variadic {
        return Err(syn::Error::new(variadic.span(), "a PLC program takes no arguments, or one `&mut State`"));
    }
    Ok(())
}

/// `Some(the error type)` for `-> Result<(), Error>`, `None` for no return type or `-> ()`; any other
/// return type is refused. Only the shape is checked here (the `Error` may be `plc_sdk::Error`
/// or imported); the generated code makes the compiler check that it is `plc_sdk::Error`.
fn result_type(output: &ReturnType) -> syn::Result<Option<&Type>> {
    let ReturnType::Type(_, ty) = output else { return Ok(None) };
    if matches!(&**ty, Type::Tuple(t) if t.elems.is_empty()) {
        return Ok(None);
    }
    let refuse = |span: Span| {
        Err(syn::Error::new(span, "a PLC program returns nothing, or `Result<(), plc_sdk::Error>` to report an error with `?`"))
    };
    let Some(result) = last_segment(ty).filter(|s| s.ident == "Result") else { return refuse(ty.span()) };
    let syn::PathArguments::AngleBracketed(args) = &result.arguments else { return refuse(ty.span()) };
    let types: Vec<&Type> = args.args.iter().filter_map(|a| if let syn::GenericArgument::Type(t) = a { Some(t) } else { None }).collect();
    let [ok, err] = types[..] else { return refuse(args.span()) };
    if types.len() != args.args.len() {
        return refuse(args.span());
    }
    if !matches!(ok, Type::Tuple(t) if t.elems.is_empty()) {
        return Err(syn::Error::new(ok.span(), "a PLC program returns no value: its `Ok` is `()`; publish results by outputs or variables"));
    }
    if !last_segment(err).is_some_and(|s| s.ident == "Error" && s.arguments.is_empty()) {
        return Err(syn::Error::new(
            err.span(),
            "the error of a PLC program is `plc_sdk::Error`, the error of every SDK call: turn other errors into one of its variants",
        ));
    }
    Ok(Some(err))
}

/// The last segment of a plain path type (`plc_sdk::Error` gives `Error`).
fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// `S` of `fn name(state: &mut S)`, `None` for `fn name()`.
fn state_type(function: &ItemFn) -> syn::Result<Option<Type>> {
    let mut inputs = function.sig.inputs.iter();
    let Some(first) = inputs.next() else { return Ok(None) };
    if let Some(extra) = inputs.next() {
        return Err(syn::Error::new(extra.span(), "a PLC program takes at most one parameter, its state: `fn name(state: &mut S)`"));
    }
    let FnArg::Typed(arg) = first else {
        return Err(syn::Error::new(first.span(), "a PLC program is a free function, not a method"));
    };
    match &*arg.ty {
        Type::Reference(r) if r.mutability.is_some() && r.lifetime.is_none() => Ok(Some((*r.elem).clone())),
        other => Err(syn::Error::new(other.span(), "the state parameter must be `&mut S`, with `S: Default`")),
    }
}

/// Refuses a second program in the same crate: two would both export `poll`.
fn check_single_program(function: &ItemFn) -> syn::Result<()> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static SEEN: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

    // rustc expands every invocation of one crate in one process, with this variable set.
    let Ok(krate) = std::env::var("CARGO_CRATE_NAME") else { return Ok(()) };
    let name = function.sig.ident.to_string();
    let mut seen = SEEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let first = seen.get_or_insert_with(HashMap::new).entry(krate).or_insert_with(|| name.clone());
    // The same function expanded again (an IDE re-expanding) is still one program.
    if *first != name {
        return Err(syn::Error::new(
            function.sig.ident.span(),
            format!("a crate holds one PLC program, and `{first}` already is one: put `{name}` in a crate of its own"),
        ));
    }
    Ok(())
}

fn item_span(item: &Item) -> Span {
    match item {
        Item::Struct(s) => s.ident.span(),
        Item::Enum(e) => e.ident.span(),
        Item::Static(s) => s.ident.span(),
        Item::Const(c) => c.ident.span(),
        Item::Mod(m) => m.ident.span(),
        Item::Trait(t) => t.ident.span(),
        Item::Type(t) => t.ident.span(),
        other => other.span(),
    }
}
