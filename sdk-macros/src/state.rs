//! `#[derive(State)]`: a struct with named fields, saved and loaded field by field.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Field, Fields, Type};

pub(crate) fn derive(input: DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => named.named.iter().collect::<Vec<_>>(),
            Fields::Unit => Vec::new(),
            Fields::Unnamed(unnamed) => {
                return Err(syn::Error::new(
                    unnamed.span(),
                    "derive(State) needs named fields: the state crosses to a new version by field name; write `struct Name { field: Type }`",
                ))
            }
        },
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span(),
                "derive(State) carries structs with named fields, not enums: keep the enum's value in a struct field of an integer type, or implement `plc_sdk::state::Record` for it",
            ))
        }
        Data::Union(u) => {
            return Err(syn::Error::new(u.union_token.span(), "derive(State) carries structs with named fields, not unions"))
        }
    };
    let mut saves = Vec::new();
    let mut loads = Vec::new();
    for field in fields {
        if skipped(field)? {
            continue;
        }
        check_type(&field.ty)?;
        let Some(ident) = &field.ident else { continue };
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name);
        // Spanned at the field's type: a type that is not `State` is pointed at there.
        let span = field.ty.span();
        saves.push(quote_spanned! {span=> out.field(#name, &self.#ident); });
        loads.push(quote_spanned! {span=> from.field(#name, &mut self.#ident); });
    }
    let ident = &input.ident;
    let mut generics = input.generics.clone();
    for param in generics.type_params_mut() {
        param.bounds.push(syn::parse_quote!(::plc_sdk::state::State));
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics ::plc_sdk::state::State for #ident #ty_generics #where_clause {
            fn save(&self, out: &mut ::plc_sdk::state::Saver) {
                let _ = &out;
                #(#saves)*
            }

            fn load(&mut self, from: &mut ::plc_sdk::state::Loader) {
                let _ = &from;
                #(#loads)*
            }
        }
    })
}

/// Whether the field says `#[state(skip)]`; any other `#[state(...)]` is refused.
fn skipped(field: &Field) -> syn::Result<bool> {
    let mut skip = false;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("state")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                skip = true;
                Ok(())
            } else {
                Err(meta.error("unknown state option: `#[state(skip)]` leaves a field out"))
            }
        })?;
    }
    Ok(skip)
}

/// Refuses the field types that can never cross to a new version, where the field is.
fn check_type(ty: &Type) -> syn::Result<()> {
    let refuse = |ty: &dyn quote::ToTokens, what: &str| Err(syn::Error::new_spanned(ty, format!("{what} cannot be carried to a new version of the program: a new version has other addresses and code; keep the data itself, or mark the field `#[state(skip)]`")));
    match ty {
        Type::Reference(r) => refuse(r, "a reference"),
        Type::Ptr(p) => refuse(p, "a raw pointer"),
        Type::BareFn(f) => refuse(f, "a function pointer"),
        Type::TraitObject(t) => refuse(t, "a trait object"),
        Type::ImplTrait(t) => refuse(t, "an `impl Trait`"),
        Type::Slice(s) => refuse(s, "a slice"),
        Type::Tuple(t) if !t.elems.is_empty() => {
            Err(syn::Error::new_spanned(t, "a tuple cannot be carried: the state crosses by field name; use a struct with named fields that derives `State`"))
        }
        Type::Array(a) => check_type(&a.elem),
        Type::Paren(p) => check_type(&p.elem),
        Type::Group(g) => check_type(&g.elem),
        _ => Ok(()),
    }
}
