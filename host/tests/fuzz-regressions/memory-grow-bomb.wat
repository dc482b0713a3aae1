;; Grows its memory by a page until refused: it stops at the 1 MiB limit.
(module (memory (export "memory") 1)
  (func (export "poll") (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))
