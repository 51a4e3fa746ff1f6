#include "textflag.h"

// func dotSSE(a, b *float32, n int) float32
TEXT ·dotSSE(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3

loop16:
	CMPQ CX, $16
	JL   sum4
	MOVUPS (SI), X4
	MOVUPS (DI), X5
	MULPS  X5, X4
	ADDPS  X4, X0
	MOVUPS 16(SI), X6
	MOVUPS 16(DI), X7
	MULPS  X7, X6
	ADDPS  X6, X1
	MOVUPS 32(SI), X8
	MOVUPS 32(DI), X9
	MULPS  X9, X8
	ADDPS  X8, X2
	MOVUPS 48(SI), X10
	MOVUPS 48(DI), X11
	MULPS  X11, X10
	ADDPS  X10, X3
	ADDQ   $64, SI
	ADDQ   $64, DI
	SUBQ   $16, CX
	JMP    loop16

sum4:
	ADDPS X1, X0
	ADDPS X3, X2
	ADDPS X2, X0

loop4:
	CMPQ CX, $4
	JL   hsum
	MOVUPS (SI), X4
	MOVUPS (DI), X5
	MULPS  X5, X4
	ADDPS  X4, X0
	ADDQ   $16, SI
	ADDQ   $16, DI
	SUBQ   $4, CX
	JMP    loop4

hsum:
	MOVAPS  X0, X1
	MOVHLPS X0, X1
	ADDPS   X1, X0
	MOVAPS  X0, X1
	SHUFPS  $0x55, X1, X1
	ADDSS   X1, X0

loop1:
	CMPQ CX, $0
	JE   done
	MOVSS (SI), X4
	MULSS (DI), X4
	ADDSS X4, X0
	ADDQ  $4, SI
	ADDQ  $4, DI
	DECQ  CX
	JMP   loop1

done:
	MOVSS X0, ret+24(FP)
	RET

// func dotI16SSE(a, b *int16, n int) int32
TEXT ·dotI16SSE(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	PXOR X0, X0
	PXOR X1, X1

i16loop16:
	CMPQ    CX, $16
	JL      i16loop8
	MOVOU   (SI), X2
	MOVOU   (DI), X3
	PMADDWL X3, X2
	PADDL   X2, X0
	MOVOU   16(SI), X4
	MOVOU   16(DI), X5
	PMADDWL X5, X4
	PADDL   X4, X1
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $16, CX
	JMP     i16loop16

i16loop8:
	PADDL   X1, X0
	CMPQ    CX, $8
	JL      i16hsum
	MOVOU   (SI), X2
	MOVOU   (DI), X3
	PMADDWL X3, X2
	PADDL   X2, X0
	ADDQ    $16, SI
	ADDQ    $16, DI
	SUBQ    $8, CX

i16hsum:
	PSHUFD $0x4E, X0, X1
	PADDL  X1, X0
	PSHUFD $0xB1, X0, X1
	PADDL  X1, X0
	MOVQ   X0, AX

i16loop1:
	CMPQ    CX, $0
	JE      i16done
	MOVWQSX (SI), DX
	MOVWQSX (DI), BX
	IMULQ   BX, DX
	ADDL    DX, AX
	ADDQ    $2, SI
	ADDQ    $2, DI
	DECQ    CX
	JMP     i16loop1

i16done:
	MOVL AX, ret+24(FP)
	RET
