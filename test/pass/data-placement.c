// BULKHEAD_DATA variables move to their compartment's section, which each
// module ends with a page-aligned, page-sized pad so that no other data
// shares their pages; the section is retained under --gc-sections.
// The descriptor's last field points at the compartment's stack-slot
// function with per-compartment stacks, and is null without.
// RUN: %clang_bh -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=IR,IR-STACKS
// RUN: %clang_bh -O2 -fdata-sections -S -o - %s | FileCheck %s --check-prefix=ASM
// RUN: %clang_bh_shared -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefixes=IR,IR-SHARED
// RUN: %clang_bh_shared -O2 -fdata-sections -S -o - %s | FileCheck %s --check-prefix=ASM
#include <bulkhead.h>

BULKHEAD_DATA(vault) static unsigned char key[32] = {1, 2, 3};
BULKHEAD_DATA(vault) int zeroed;
BULKHEAD_DATA(vault) const int table[2] = {7, 8};
BULKHEAD_DATA(other) long other_secret = 5;
int plain_global = 9;

BULKHEAD_ENTRY(vault) int read_key(int i) { return key[i] + zeroed + table[i & 1]; }

// IR-DAG: @key = internal global {{.*}}, section "bulkhead_data_vault"
// IR-DAG: @zeroed = {{.*}}global i32 0, section "bulkhead_data_vault"
// IR-DAG: @table = {{.*}}global [2 x i32] [i32 7, i32 8], section "bulkhead_data_vault"
// IR-DAG: @other_secret = {{.*}}global i64 5, section "bulkhead_data_other"
// IR-DAG: @plain_global = {{.*}}global i32 9, align 4{{$}}
// IR-DAG: @__bulkhead_pad.vault = internal global [4096 x i8] zeroinitializer, section "bulkhead_data_vault", align 4096
// IR-DAG: @__bulkhead_pad.other = internal global [4096 x i8] zeroinitializer, section "bulkhead_data_other", align 4096
// IR-DAG: @__start_bulkhead_data_vault = extern_weak hidden global i8
// IR-DAG: @__stop_bulkhead_data_vault = extern_weak hidden global i8
// IR-STACKS-DAG: @__bulkhead_domain.vault = linkonce_odr hidden global {{.*}} ptr @__start_bulkhead_data_vault, ptr @__stop_bulkhead_data_vault, ptr null, ptr null, ptr @__bulkhead_slot_address.vault, ptr @__bulkhead_stats.vault, i32 0, i32 0, i32 0, [4012 x i8] zeroinitializer }, section "bulkhead_domains", comdat, align 4096
// IR-SHARED-DAG: @__bulkhead_domain.vault = linkonce_odr hidden global {{.*}} ptr @__start_bulkhead_data_vault, ptr @__stop_bulkhead_data_vault, ptr null, ptr null, ptr null, ptr @__bulkhead_stats.vault, i32 0, i32 0, i32 0, [4012 x i8] zeroinitializer }, section "bulkhead_domains", comdat, align 4096

// The pad is the last thing in each data section of this module.
// ASM:     .section bulkhead_data_vault,"awR",@progbits
// ASM-NOT: .section
// ASM:     __bulkhead_pad.vault:
// ASM-NEXT: .zero 4096
