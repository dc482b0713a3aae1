//! A controller: several programs scanned in order against one environment.

use std::any::Any;

use crate::environment::Environment;
use crate::fault::Fault;
use crate::program::Program;

/// Programs polled in order, once per scan, against one shared environment.
pub struct Controller {
    programs: Vec<Program>,
    env: Box<dyn Environment>,
    scans: u64,
}

impl Controller {
    /// A controller with no programs yet.
    pub fn new(env: impl Environment) -> Self {
        Controller { programs: Vec::new(), env: Box::new(env), scans: 0 }
    }

    /// Adds a program; it is polled after those added before it.
    pub fn add(&mut self, program: Program) {
        self.programs.push(program);
    }

    /// Swaps in a program for the one of the same name (keeping its place in the scan order),
    /// or adds it. Variables live in the environment, so they survive the swap.
    pub fn replace(&mut self, program: Program) {
        match self.programs.iter_mut().find(|p| p.name() == program.name()) {
            Some(slot) => *slot = program,
            None => self.programs.push(program),
        }
    }

    /// Removes the program of that name; false if there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.programs.len();
        self.programs.retain(|p| p.name() != name);
        self.programs.len() != before
    }

    /// One scan: polls every running program in order. Returns the faults of this scan, by
    /// program index; the other programs were polled regardless.
    pub fn scan(&mut self) -> Vec<(usize, Fault)> {
        self.scans += 1;
        let env = &mut self.env;
        self.programs.iter_mut().enumerate().filter_map(|(i, p)| p.poll(env).err().map(|f| (i, f))).collect()
    }

    /// Ends the run: every program whose outputs policy is
    /// [`OutputsOnFault::Zero`](crate::OutputsOnFault::Zero) puts its outputs in that safe
    /// state; the others hold theirs.
    pub fn shutdown(&mut self) {
        for program in &mut self.programs {
            program.safe_outputs(&mut *self.env);
        }
    }

    /// Completed scans.
    pub fn scans(&self) -> u64 {
        self.scans
    }

    /// The programs, in scan order.
    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    /// The environment, if it is an `E`.
    pub fn env<E: Environment>(&self) -> Option<&E> {
        (&*self.env as &dyn Any).downcast_ref()
    }

    /// The environment, if it is an `E`, to change between scans.
    pub fn env_mut<E: Environment>(&mut self) -> Option<&mut E> {
        (&mut *self.env as &mut dyn Any).downcast_mut()
    }
}
