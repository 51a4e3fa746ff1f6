#include "textflag.h"

// func dot4AVX2(r *[4]float32, x, w *float32, k int)
// r[j] = sum_i x[i]*w[j*k+i] for j = 0..3; k is a multiple of 16.
TEXT ·dot4AVX2(SB), NOSPLIT, $0-32
	MOVQ r+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ w+16(FP), DI
	MOVQ k+24(FP), CX
	MOVQ CX, BX
	SHLQ $2, BX            // row stride in bytes
	LEAQ (DI)(BX*1), R8    // row 1
	LEAQ (R8)(BX*1), R9    // row 2
	LEAQ (R9)(BX*1), R10   // row 3
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7

loop:
	VMOVUPS (SI), Y8
	VMOVUPS 32(SI), Y9
	VFMADD231PS (DI), Y8, Y0
	VFMADD231PS 32(DI), Y9, Y4
	VFMADD231PS (R8), Y8, Y1
	VFMADD231PS 32(R8), Y9, Y5
	VFMADD231PS (R9), Y8, Y2
	VFMADD231PS 32(R9), Y9, Y6
	VFMADD231PS (R10), Y8, Y3
	VFMADD231PS 32(R10), Y9, Y7
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	ADDQ $64, R10
	SUBQ $16, CX
	JNZ  loop

	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	VHADDPS Y1, Y0, Y0     // [a01 a23 b01 b23 | a45 a67 b45 b67]
	VHADDPS Y3, Y2, Y2     // [c01 c23 d01 d23 | ...]
	VHADDPS Y2, Y0, Y0     // [a b c d | a' b' c' d']
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVUPS X0, (DX)
	VZEROUPPER
	RET

