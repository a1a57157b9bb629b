/* The records of padding-argument-types.c, and what its default-domain
 * callees (argument-types-sink.c) saw of each struct small passed. */
struct small { char check; int n; };         /* bytes 1-3 padding */
struct cd { char c; double d; };             /* i8, double */
struct f3 { float a, b, c; };                /* <2 x float>, float */
struct pn { const char *p; int n; char c; }; /* ptr, i64 */
struct np { long n; const char *p; };        /* i64, ptr */
struct bits { unsigned a : 3, b : 5; char c; };
union un { int i; char c[5]; };
struct mid { int x; char check; int y; };

/* Each struct small a prototyped parameter took, in the order of the
 * calls; the one take_var got in its variadic part. */
#define SEEN 10
extern unsigned char seen[SEEN][sizeof(struct small)], seen_variadic[8];

void take_cd(struct cd a, struct small b);
void take_f3(struct f3 a, struct small b);
void take_pn(struct pn a, struct small b);
void take_np(struct np a, struct small b);
void take_cx(double _Complex z, struct small b, long double ld, float _Complex w,
             struct small c);
void take_bits(struct bits a, union un u, struct small b);
void take_var(struct small a, int n, ...);
struct mid take_mid(struct small a, struct mid m);
void take_many(long a, long b, long c, long d, long e, struct small s,
               struct cd t);
