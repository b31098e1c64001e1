/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>
#include <NetworkManager.h>

#include "nmvirt-error.h"
#include "nmvirt-iface-def.h"
#include "nmvirt-map.h"
#include "nmvirt-xml.h"
