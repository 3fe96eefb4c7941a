// libxml2 for Swift.
// xmlversion.h comes first so that LIBXML_ICU_ENABLED can be undefined before any header
// pulls in ICU: Foundation brings its own ICU headers, and two definitions of UErrorCode
// make every clean build fail (see DESIGN.md).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/uri.h>

// xmlFree is a global function pointer, which Swift 6 sees as not concurrency-safe.
static inline void gazette_xmlFree(void *pointer) { xmlFree(pointer); }
