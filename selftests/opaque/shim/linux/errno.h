#include "../kshim.h"
#include_next <linux/errno.h>
