//! The CPU budget of a poll, counted in the program's own code.
//!
//! A compiler middleware in the manner of `wasmer_middlewares::Metering`: every basic block
//! subtracts its cost (one point per instruction) from a global and traps once the budget is
//! spent. Unlike that one it also charges the instructions whose work grows with an operand:
//! `memory.fill`, `memory.copy`, `memory.init` by the bytes they touch, `table.fill`,
//! `table.copy`, `table.init` and `table.grow` by the elements, so that one instruction cannot
//! run for seconds on one point. The length is on top of the stack for each of them; the
//! inserted code keeps it in a third global while it charges it.
//!
//! A call of an intrinsic costs [`INTRINSIC_CALL_POINTS`], about what the host spends on it;
//! the intrinsics that copy a buffer charge one point more per 8 bytes they copied, on the
//! host side once the lengths are checked (`intrinsics.rs`).
//!
//! One [`Metering`] serves one module (its global indexes are those of that module), so each
//! module is compiled on an engine of its own; identical modules are compiled once and shared
//! by the programs that run them (`engine.rs`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use wasmer::sys::{FunctionMiddleware, MiddlewareError, MiddlewareReaderState, ModuleMiddleware};
use wasmer::wasmparser::{BlockType, Operator};
use wasmer::{ExportIndex, GlobalInit, GlobalType, LocalFunctionIndex, ModuleInfo, Mutability, Type};
use wasmer_types::ImportIndex;

/// The export holding the points left (i64).
pub(crate) const REMAINING_POINTS: &str = "plc_meter_remaining_points";
/// The export set to 1 when the budget ran out (i32).
pub(crate) const POINTS_EXHAUSTED: &str = "plc_meter_points_exhausted";
/// Exports with this prefix belong to the host; a module may not bring its own.
pub(crate) const RESERVED_PREFIX: &str = "plc_meter_";

/// Bytes of `memory.fill`/`copy`/`init` per point (as a shift: 16 bytes). Measured in
/// `benches/bulk.rs`: a point of bulk memory work takes no longer than a point of ordinary code.
pub(crate) const BYTES_PER_POINT_SHIFT: i64 = 4;

/// Bytes an intrinsic copies per point it charges (as a shift: 8 bytes). The host copies
/// twice (the environment, then the guest's memory): measured in `benches/budget.rs`.
pub(crate) const COPIED_BYTES_PER_POINT_SHIFT: u32 = 3;

/// What one call of an intrinsic costs: a host call takes about 50–75 ns, a point of ordinary
/// code about 0.3–0.5 ns (`benches/budget.rs`).
pub(crate) const INTRINSIC_CALL_POINTS: u64 = 150;

#[derive(Debug, Clone, Copy)]
struct Globals {
    remaining: u32,
    exhausted: u32,
    /// Where the inserted code keeps a length while it charges it.
    scratch: u32,
}

/// The middleware: add it to the compiler of a module's engine.
#[derive(Debug)]
pub(crate) struct Metering {
    initial: u64,
    globals: Mutex<Option<Globals>>,
    /// The module's imported functions, by index.
    imports: Mutex<Arc<HashSet<u32>>>,
}

impl Metering {
    /// A meter whose instances start with `initial` points.
    pub(crate) fn new(initial: u64) -> Arc<Metering> {
        Arc::new(Metering { initial, globals: Mutex::new(None), imports: Mutex::default() })
    }
}

impl ModuleMiddleware for Metering {
    fn generate_function_middleware<'a>(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware<'a> + 'a> {
        let globals = *self.globals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let imports = self.imports.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        Box::new(FunctionMetering { globals, imports, cost: 0 })
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let mut globals = self.globals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if globals.is_some() {
            return Err(MiddlewareError::new("plc-meter", "one meter serves one module"));
        }
        let mut add = |ty: Type, init: GlobalInit, export: Option<&str>| {
            let index = info.globals.push(GlobalType::new(ty, Mutability::Var));
            info.global_initializers.push(init);
            if let Some(name) = export {
                info.exports.insert(name.to_owned(), ExportIndex::Global(index));
            }
            index.as_u32()
        };
        let imports = info
            .imports
            .iter()
            .filter_map(|(_, index)| match index {
                ImportIndex::Function(function) => Some(function.as_u32()),
                _ => None,
            })
            .collect();
        *self.imports.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(imports);
        let initial = i64::try_from(self.initial).unwrap_or(i64::MAX);
        *globals = Some(Globals {
            remaining: add(Type::I64, GlobalInit::I64Const(initial), Some(REMAINING_POINTS)),
            exhausted: add(Type::I32, GlobalInit::I32Const(0), Some(POINTS_EXHAUSTED)),
            scratch: add(Type::I32, GlobalInit::I32Const(0), None),
        });
        Ok(())
    }
}

struct FunctionMetering {
    globals: Option<Globals>,
    imports: Arc<HashSet<u32>>,
    /// The cost of the basic block so far.
    cost: u64,
}

impl std::fmt::Debug for FunctionMetering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FunctionMetering").field("cost", &self.cost).finish_non_exhaustive()
    }
}

/// Where a basic block ends: a branch, a call, or a branch target.
fn ends_block(operator: &Operator) -> bool {
    matches!(
        operator,
        Operator::Loop { .. }
            | Operator::End
            | Operator::If { .. }
            | Operator::Else
            | Operator::Br { .. }
            | Operator::BrTable { .. }
            | Operator::BrIf { .. }
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::Return
            | Operator::Throw { .. }
            | Operator::ThrowRef
            | Operator::Rethrow { .. }
            | Operator::Delegate { .. }
            | Operator::Catch { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
    )
}

impl FunctionMetering {
    /// How an instruction's i32 length operand (on top of the stack) is charged: `Some(shift)`
    /// charges `length >> shift` points.
    fn length_shift(&self, operator: &Operator) -> Option<i64> {
        match operator {
            Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } | Operator::MemoryInit { .. } => Some(BYTES_PER_POINT_SHIFT),
            Operator::TableFill { .. } | Operator::TableCopy { .. } | Operator::TableInit { .. } | Operator::TableGrow { .. } => Some(0),
            _ => None,
        }
    }
}

impl FunctionMetering {
    /// Code that traps, flagging the budget as spent, when fewer than the i64 on top of the
    /// stack's points are left, and otherwise subtracts them. `cost` pushes that i64 (twice).
    fn charge<'a>(globals: Globals, cost: &[Operator<'a>], state: &mut MiddlewareReaderState<'a>) {
        state.push_operator(Operator::GlobalGet { global_index: globals.remaining });
        state.extend(cost.iter().cloned());
        state.extend([
            Operator::I64LtU,
            Operator::If { blockty: BlockType::Empty },
            Operator::I32Const { value: 1 },
            Operator::GlobalSet { global_index: globals.exhausted },
            Operator::Unreachable,
            Operator::End,
            Operator::GlobalGet { global_index: globals.remaining },
        ]);
        state.extend(cost.iter().cloned());
        state.extend([Operator::I64Sub, Operator::GlobalSet { global_index: globals.remaining }]);
    }
}

impl<'a> FunctionMiddleware<'a> for FunctionMetering {
    fn feed(&mut self, operator: Operator<'a>, state: &mut MiddlewareReaderState<'a>) -> Result<(), MiddlewareError> {
        let Some(globals) = self.globals else {
            return Err(MiddlewareError::new("plc-meter", "the module was not prepared for metering"));
        };
        // Counted before the block ends, so that a call cannot escape its own cost.
        self.cost += match operator {
            Operator::Call { function_index } if self.imports.contains(&function_index) => INTRINSIC_CALL_POINTS,
            _ => 1,
        };
        if let Some(shift) = self.length_shift(&operator) {
            let length = [
                Operator::GlobalGet { global_index: globals.scratch },
                Operator::I64ExtendI32U,
                Operator::I64Const { value: shift },
                Operator::I64ShrU,
            ];
            state.push_operator(Operator::GlobalSet { global_index: globals.scratch });
            Self::charge(globals, &length, state);
            state.push_operator(Operator::GlobalGet { global_index: globals.scratch });
        }
        if ends_block(&operator) && self.cost > 0 {
            let cost = [Operator::I64Const { value: i64::try_from(self.cost).unwrap_or(i64::MAX) }];
            Self::charge(globals, &cost, state);
            self.cost = 0;
        }
        state.push_operator(operator);
        Ok(())
    }
}
