/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define __NMVIRT_H_INSIDE__

#include "nmvirt-client.h"
#include "nmvirt-enum-types.h"
#include "nmvirt-error.h"
#include "nmvirt-translate.h"

#undef __NMVIRT_H_INSIDE__
