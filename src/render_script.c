/* render_script.c - placeholder until the module lands */
#include "util.h"
