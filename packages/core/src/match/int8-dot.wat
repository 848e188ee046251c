;; Integer dot products for the gallery's quantized pre-filter (see int8-index.ts).
;;
;; Build: `pnpm exec tsx packages/core/tools/build-kernels.ts` turns this file into int8-dot.wasm.ts
;; (base64 bytes); a test recompiles it and checks that the committed bytes match.
;;
;; Needs the fixed-width SIMD proposal (SIMD128: Chrome 91+, Firefox 89+, Safari 16.4+,
;; Node 16.4+); callers feature-detect with WebAssembly.validate and fall back to JS.
(module
  ;; The caller owns the memory (one per gallery) and grows it as rows are added.
  (import "env" "memory" (memory 1))

  ;; dots(q, rows, count, stride, out): for i in [0, count)
  ;;
  ;;   out[i] = Σ_{j < stride} rows[i·stride + j] · q[j]
  ;;
  ;; rows: `count` rows of `stride` signed bytes each, back to back.
  ;; q:    `stride` signed 16-bit integers.
  ;; out:  `count` 32-bit integers.
  ;; `stride` must be a positive multiple of 16. Addresses are byte offsets into the memory;
  ;; 16-byte alignment is not required but keeps the loads fast.
  ;;
  ;; Sums are exact as long as the true total fits in an i32: every product pair is summed by
  ;; i32x4.dot_i16x8_s without overflow (|row| ≤ 127, |q| ≤ 32767 here), and i32 additions
  ;; wrap, so any overflow in a partial lane sum cancels out in the final total. The caller
  ;; scales q so that 127 · max|q| · stride < 2^31.
  (func (export "dots")
    (param $q i32) (param $rows i32) (param $count i32) (param $stride i32) (param $out i32)
    (local $p i32)      ;; current 16-byte column block of the row
    (local $end i32)    ;; end of the row (may wrap to 0 at the 4 GiB top: compared with ne)
    (local $qp i32)     ;; matching 8+8 query values
    (local $x v128)     ;; 16 row bytes
    (local $acc0 v128)  ;; lanes for the low 8 bytes of each block
    (local $acc1 v128)  ;; lanes for the high 8 bytes
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (loop $row
        (local.set $p (local.get $rows))
        (local.set $end (i32.add (local.get $rows) (local.get $stride)))
        (local.set $qp (local.get $q))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (loop $column
          (local.set $x (v128.load (local.get $p)))
          ;; Widen the bytes to i16 and multiply-add pairs against the i16 query.
          (local.set $acc0
            (i32x4.add (local.get $acc0)
              (i32x4.dot_i16x8_s
                (i16x8.extend_low_i8x16_s (local.get $x))
                (v128.load (local.get $qp)))))
          (local.set $acc1
            (i32x4.add (local.get $acc1)
              (i32x4.dot_i16x8_s
                (i16x8.extend_high_i8x16_s (local.get $x))
                (v128.load offset=16 (local.get $qp)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
          (br_if $column (i32.ne (local.get $p) (local.get $end))))
        ;; Horizontal sum of the 8 lanes.
        (local.set $acc0 (i32x4.add (local.get $acc0) (local.get $acc1)))
        (i32.store (local.get $out)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc0)) (i32x4.extract_lane 1 (local.get $acc0)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc0)) (i32x4.extract_lane 3 (local.get $acc0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $rows (local.get $end))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br_if $row (local.get $count))))))
