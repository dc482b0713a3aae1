;; memory.fill of 1 MiB in an endless loop: one point each, a 490 ms poll on a budget of 200k (before bulk memory was charged by length).
(module
  (memory (export "memory") 16 16)
  (func (export "poll") (loop $l (memory.fill (i32.const 0) (i32.const 7) (i32.const 1048576)) (br $l))))
